package dev.bff.demo;

import com.nimbusds.jose.JWSAlgorithm;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The JWS algorithms the identity service signs with, each with its own signing key. */
public enum SigningAlg {
  /** RSASSA-PKCS1-v1_5 with SHA-256 over an RSA 2048 key. */
  RS256(JWSAlgorithm.RS256),
  /** ECDSA with SHA-256 over a P-256 key. */
  ES256(JWSAlgorithm.ES256);

  private final JWSAlgorithm jws;

  SigningAlg(JWSAlgorithm jws) {
    this.jws = jws;
  }

  /** The algorithm as nimbus-jose-jwt names it in headers and JWKs. */
  public JWSAlgorithm jws() {
    return jws;
  }

  /**
   * The algorithm called exactly {@code name}, e.g. {@code "RS256"}.
   *
   * @throws IllegalArgumentException naming the supported algorithms when there is none
   */
  public static SigningAlg of(String name) {
    for (SigningAlg alg : values()) {
      if (alg.name().equals(name)) {
        return alg;
      }
    }
    throw new IllegalArgumentException("unsupported alg '" + name + "', supported: " + names());
  }

  /** The names of all algorithms, comma separated. */
  public static String names() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(","));
  }
}
