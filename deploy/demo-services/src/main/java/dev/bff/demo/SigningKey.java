package dev.bff.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonObject;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * One key pair of the identity service, generated with the JDK: its random {@code kid}, the signer
 * for its algorithm, and its public JWK (the only part that ever leaves the service).
 */
public final class SigningKey {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int RSA_BITS = 2048;

  private final String kid;
  private final SigningAlg alg;
  private final JWSSigner signer;
  private final JsonObject publicJwk;

  private SigningKey(String kid, SigningAlg alg, JWK jwk, JWSSigner signer) {
    this.kid = kid;
    this.alg = alg;
    this.signer = signer;
    this.publicJwk = new JsonObject(jwk.toPublicJWK().toJSONObject());
  }

  /** Generates a new key pair for {@code alg} with a random {@code kid}; takes up to a few hundred ms for RSA. */
  public static SigningKey generate(SigningAlg alg) {
    String kid = randomKid();
    try {
      return switch (alg) {
        case RS256 -> {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(RSA_BITS, RANDOM);
          KeyPair pair = generator.generateKeyPair();
          RSAKey jwk = new RSAKey.Builder((RSAPublicKey) pair.getPublic())
            .privateKey((RSAPrivateKey) pair.getPrivate())
            .keyID(kid).algorithm(alg.jws()).keyUse(KeyUse.SIGNATURE).build();
          yield new SigningKey(kid, alg, jwk, new RSASSASigner(jwk));
        }
        case ES256 -> {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
          KeyPair pair = generator.generateKeyPair();
          ECKey jwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
            .privateKey((ECPrivateKey) pair.getPrivate())
            .keyID(kid).algorithm(alg.jws()).keyUse(KeyUse.SIGNATURE).build();
          yield new SigningKey(kid, alg, jwk, new ECDSASigner(jwk));
        }
      };
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException("cannot generate a " + alg + " key: " + e.getMessage(), e);
    }
  }

  /** The key id, set as {@code kid} in the JWK and in the header of every token it signs. */
  public String kid() {
    return kid;
  }

  /** The algorithm this key signs with. */
  public SigningAlg alg() {
    return alg;
  }

  /** The public JWK: {@code kty, kid, alg, use} and {@code n, e} or {@code crv, x, y}; a fresh copy. */
  public JsonObject publicJwk() {
    return publicJwk.copy();
  }

  /** Signs {@code claims} as a compact JWT with the header {@code {alg, kid, typ: "JWT"}}. */
  public String sign(JWTClaimsSet claims) {
    JWSHeader header = new JWSHeader.Builder(alg.jws()).keyID(kid).type(JOSEObjectType.JWT).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign with " + alg + " key " + kid + ": " + e.getMessage(), e);
    }
    return jwt.serialize();
  }

  @Override
  public String toString() {
    return alg + " key " + kid;
  }

  /** 96 random bits, base64url: unguessable and short enough to read in logs. */
  private static String randomKid() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
