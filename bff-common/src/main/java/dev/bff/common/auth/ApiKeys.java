package dev.bff.common.auth;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bff.common.config.AuthConfig.ApiKey;
import dev.bff.common.config.AuthConfig.ApiKeysConfig;
import dev.bff.common.config.AuthConfig.Method;
import dev.bff.common.config.AuthConfig.RedisKeys;
import dev.bff.common.routing.Category;
import dev.bff.common.store.SharedRedis;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies API keys against SHA-256 digests, from the configuration and optionally from Redis; the
 * keys themselves are never stored, logged or echoed. A presented key is hashed, the digest looked
 * up, and a configured match confirmed with {@link MessageDigest#isEqual} (constant time). Looking
 * up by digest leaks nothing useful through timing: learning a digest's prefix does not help guess a
 * key (that would need a preimage).
 *
 * <p>Keys in Redis (a hash at {@code prefix + hex digest}) are remembered for {@code refresh}, then
 * looked up again in the background while the remembered answer still serves; while Redis is
 * unreachable a remembered key keeps working for up to {@code max-stale}. A key never seen before
 * while Redis is unreachable gets 503: it cannot be judged.
 */
public final class ApiKeys {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
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
  private final SharedRedis redis;
  private final AsyncLoadingCache<String, Optional<Entry>> fromRedis;

  /** A known key and its answer, built once. */
  private record Entry(ApiKey key, Future<Principal> answer) {
    static Entry of(ApiKey k) {
      if (k.revoked()) {
        return new Entry(k, Future.failedFuture(AuthException.invalid("the API key '" + k.id() + "' has been revoked")));
      }
      JsonObject attrs = new JsonObject().put("partner", k.partner()).put("plan", k.plan()).put("key-id", k.id());
      return new Entry(k, Future.succeededFuture(Principal.partner(Method.API_KEY, k.partner(), attrs)));
    }
  }

  private static final Future<Principal> UNKNOWN = Future.failedFuture(AuthException.invalid("the API key is not known"));
  private static final Future<Principal> MALFORMED = Future.failedFuture(AuthException.invalid("the API key is malformed"));

  /** The keys of {@code config}; {@code redis} is where more are looked up when it names a Redis block. */
  public ApiKeys(ApiKeysConfig config, SharedRedis redis) {
    this.config = config;
    for (ApiKey k : config.keys()) {
      byDigest.put(ByteBuffer.wrap(k.sha256()), Entry.of(k));
    }
    RedisKeys rk = config.redis();
    this.redis = rk == null ? null : redis;
    this.fromRedis = this.redis == null ? null : Caffeine.newBuilder()
        .maximumSize(100_000)
        .refreshAfterWrite(rk.refresh())
        .expireAfterWrite(rk.maxStale())
        .executor(Runnable::run) // loads are non-blocking Redis calls: no thread pool needed
        .buildAsync((hex, executor) -> load(rk, hex).toCompletionStage().toCompletableFuture());
  }

  /** The request header carrying keys. */
  public String header() {
    return config.header();
  }

  /**
   * The partner a key belongs to; fails with an {@link AuthException}: 401 for an unknown, malformed
   * or revoked key, 503 when the key is not configured and Redis cannot be asked. Completes at once
   * for configured keys and for keys remembered from Redis.
   */
  public Future<Principal> authenticate(String presented) {
    if (presented.isEmpty() || presented.length() > MAX_KEY_LENGTH) {
      return MALFORMED;
    }
    byte[] digest = SHA256.get().digest(presented.getBytes(StandardCharsets.UTF_8));
    Entry e = byDigest.get(ByteBuffer.wrap(digest));
    if (e != null && MessageDigest.isEqual(e.key().sha256(), digest)) {
      return e.answer();
    }
    if (fromRedis == null) {
      return UNKNOWN;
    }
    java.util.concurrent.CompletableFuture<Optional<Entry>> f = fromRedis.get(HexFormat.of().formatHex(digest));
    if (f.isDone() && !f.isCompletedExceptionally()) {
      Optional<Entry> found = f.join();
      return found.isPresent() ? found.get().answer() : UNKNOWN;
    }
    return Future.fromCompletionStage(f).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(new AuthException(Category.AUTH_UNAVAILABLE,
            "API keys cannot be checked right now (the key store is unreachable)"));
      }
      return ar.result().isPresent() ? ar.result().get().answer() : UNKNOWN;
    });
  }

  private Future<Optional<Entry>> load(RedisKeys rk, String hex) {
    return redis.send(Request.cmd(Command.HGETALL).arg(rk.prefix() + hex)).map(r -> {
      Map<String, String> fields = fields(r);
      if (fields.isEmpty()) {
        return Optional.empty();
      }
      String partner = fields.get("partner");
      if (partner == null || partner.isBlank()) {
        LOG.warn("API key {}{}... in Redis has no partner field; it is refused", rk.prefix(), hex.substring(0, 8));
        return Optional.empty();
      }
      String id = fields.getOrDefault("id", "redis:" + hex.substring(0, 8));
      boolean revoked = "true".equalsIgnoreCase(fields.get("revoked")) || "1".equals(fields.get("revoked"));
      return Optional.of(Entry.of(new ApiKey(id, HexFormat.of().parseHex(hex), partner,
          fields.getOrDefault("plan", "default"), revoked)));
    });
  }

  /** A hash reply as field -> value, whether Redis answered in RESP3 (a map) or RESP2 (a flat array). */
  private static Map<String, String> fields(Response r) {
    Map<String, String> out = new HashMap<>();
    if (r == null) {
      return out;
    }
    if (r.isMap()) {
      for (String k : r.getKeys()) {
        out.put(k, r.get(k).toString());
      }
      return out;
    }
    for (int i = 0; i + 1 < r.size(); i += 2) {
      out.put(r.get(i).toString(), r.get(i + 1).toString());
    }
    return out;
  }

  /** The hex SHA-256 of a key, as the configuration and Redis want it. */
  public static String sha256(String key) {
    return HexFormat.of().formatHex(SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return "api-keys(" + config.keys().size() + " configured" + (redis == null ? "" : ", more in " + redis)
        + ", in " + config.header() + ")";
  }
}
