package dev.bff.common.auth;

import dev.bff.common.config.AuthConfig.ApiKey;
import dev.bff.common.config.AuthConfig.ApiKeysConfig;
import dev.bff.common.config.AuthConfig.Method;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

/**
 * Verifies API keys against the configured SHA-256 digests; the keys themselves are never stored,
 * logged or echoed. A presented key is hashed, the digest looked up, and the match confirmed with
 * {@link MessageDigest#isEqual} (constant time). Looking up by digest leaks nothing useful through
 * timing: learning a digest's prefix does not help guess a key (a preimage would be needed).
 */
public final class ApiKeys {
  /** Longer values are refused without hashing: no real key is this long. */
  static final int MAX_KEY_LENGTH = 512;
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  });

  private final ApiKeysConfig config;
  private final Map<ByteBuffer, Entry> byDigest = new HashMap<>();

  private record Entry(ApiKey key, Principal principal) {}

  /** The keys of {@code config}, each with its principal built once. */
  public ApiKeys(ApiKeysConfig config) {
    this.config = config;
    for (ApiKey k : config.keys()) {
      JsonObject attrs = new JsonObject().put("partner", k.partner()).put("plan", k.plan()).put("key-id", k.id());
      byDigest.put(ByteBuffer.wrap(k.sha256()), new Entry(k, Principal.partner(Method.API_KEY, k.partner(), attrs)));
    }
  }

  /** The request header carrying keys. */
  public String header() {
    return config.header();
  }

  /** The partner a key belongs to; throws an {@link AuthException} (401) for an unknown or revoked key. */
  public Principal authenticate(String presented) {
    if (presented.isEmpty() || presented.length() > MAX_KEY_LENGTH) {
      throw AuthException.invalid("the API key is malformed");
    }
    byte[] digest = SHA256.get().digest(presented.getBytes(StandardCharsets.UTF_8));
    Entry e = byDigest.get(ByteBuffer.wrap(digest));
    if (e == null || !MessageDigest.isEqual(e.key().sha256(), digest)) {
      throw AuthException.invalid("the API key is not known");
    }
    if (e.key().revoked()) {
      throw AuthException.invalid("the API key '" + e.key().id() + "' has been revoked");
    }
    return e.principal();
  }

  /** The hex SHA-256 of a key, as the configuration wants it. */
  public static String sha256(String key) {
    return java.util.HexFormat.of().formatHex(SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return "api-keys(" + config.keys().size() + " in " + config.header() + ")";
  }
}
