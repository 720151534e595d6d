package dev.bff.common.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An identity provider for tests: key pairs (RSA, EC P-256 and P-384, Ed25519), their JWKS, and
 * tokens signed with an independent library (nimbus-jose-jwt; Ed25519 with the JDK), never with the
 * code under test.
 */
public final class TestIdentity {
  /** The issuer of {@link #claims(String)}. */
  public static final String ISSUER = "https://idp.test";
  /** The audience of {@link #claims(String)}. */
  public static final String AUDIENCE = "bff-test";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final Map<String, JWK> keys = new LinkedHashMap<>();
  private KeyPair ed25519;
  private String edKid;

  /** Generates one RSA key (its JWK names no alg), one EC P-256, one EC P-384 and one Ed25519 key. */
  public TestIdentity() {
    try {
      addRsa("rsa-1");
      keys.put("ec-256", new ECKeyGenerator(Curve.P_256).keyID("ec-256").algorithm(JWSAlgorithm.ES256).generate());
      keys.put("ec-384", new ECKeyGenerator(Curve.P_384).keyID("ec-384").algorithm(JWSAlgorithm.ES384).generate());
      ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      edKid = "ed-1";
    } catch (JOSEException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Adds an RSA key (a rotation); returns its key id. */
  public String addRsa(String kid) {
    try {
      keys.put(kid, new RSAKeyGenerator(2048).keyID(kid).generate());
      return kid;
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Removes a key from the JWKS (its tokens no longer verify once the gateway refetches). */
  public void remove(String kid) {
    keys.remove(kid);
  }

  /** The RSA key's public key as PEM. */
  public String rsaPublicPem(String kid) {
    try {
      byte[] der = ((RSAKey) keys.get(kid)).toRSAPublicKey().getEncoded();
      return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public JWKS: {@code {"keys": [...]}}. */
  public JsonObject jwks() {
    JsonArray list = new JsonArray();
    keys.values().forEach(k -> list.add(new JsonObject(k.toPublicJWK().toJSONObject())));
    byte[] spki = ed25519.getPublic().getEncoded();
    list.add(new JsonObject().put("kty", "OKP").put("crv", "Ed25519").put("kid", edKid).put("alg", "EdDSA")
        .put("x", B64.encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length))));
    return new JsonObject().put("keys", list);
  }

  /** Claims valid for five minutes: iss, aud, sub, iat, nbf, exp, and {@code roles}. */
  public JWTClaimsSet.Builder claims(String sub, String... roles) {
    long now = System.currentTimeMillis() / 1000 * 1000;
    return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(sub)
        .issueTime(new Date(now)).notBeforeTime(new Date(now)).expirationTime(new Date(now + 300_000))
        .claim("roles", List.of(roles));
  }

  /** A token for {@code sub} signed with {@code alg} by the matching key. */
  public String token(String alg, String sub, String... roles) {
    return sign(alg, kidFor(alg), claims(sub, roles).build());
  }

  /** The key id that signs {@code alg} by default. */
  public String kidFor(String alg) {
    return switch (alg) {
      case "ES256" -> "ec-256";
      case "ES384" -> "ec-384";
      case "EdDSA" -> edKid;
      default -> "rsa-1";
    };
  }

  /** Signs {@code claims} with {@code alg} and the key {@code kid} (an RSA, EC or the Ed25519 key). */
  public String sign(String alg, String kid, JWTClaimsSet claims) {
    try {
      if (alg.equals("EdDSA")) {
        return ed25519(kid, claims);
      }
      JWK key = keys.get(kid);
      JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.parse(alg)).keyID(kid)
          .type(JOSEObjectType.JWT).build(), claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An HS256 token whose HMAC secret is {@code secret} (e.g. an RSA public key's PEM: algorithm confusion). */
  public static String hs256(byte[] secret, String kid, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims);
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code alg: none}) with an empty or a made-up signature segment. */
  public static String unsigned(JWTClaimsSet claims, String signature) {
    String header = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + "." + signature;
  }

  private String ed25519(String kid, JWTClaimsSet claims) throws JOSEException {
    try {
      String header = B64.encodeToString(("{\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}")
          .getBytes(StandardCharsets.UTF_8));
      String payload = B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(ed25519.getPrivate());
      s.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
      return header + "." + payload + "." + B64.encodeToString(s.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new JOSEException(e.getMessage(), e);
    }
  }
}
