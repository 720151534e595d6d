package dev.bff.common.cache;

import dev.bff.common.store.SharedRedis;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entries in the shared Redis, so every replica serves what one stored: each entry one string
 * ({@link EntryCodec}) at {@code prefix + key} expiring with it; each tag a set of the keys it
 * tags at {@code prefix + "tag:" + tag}; leases at {@code prefix + "lock:" + key}. Purges act on
 * Redis, so they apply to every replica at once: by key and prefix with {@code SCAN MATCH} (purges
 * are rare; lookups never scan), by tag through the tag's set. When Redis fails the store fails
 * fast for a second before trying again, and says so in the log once per outage.
 */
public final class RedisCacheStore implements CacheStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisCacheStore.class);
  private static final long RETRY_NANOS = 1_000_000_000L;
  private static final String PUT = """
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      local ttl = tonumber(ARGV[2])
      for i = 2, #KEYS do
        redis.call('SADD', KEYS[i], KEYS[1])
        if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
      end
      return 1""";
  private static final String PURGE_TAG = """
      local keys = redis.call('SMEMBERS', KEYS[1])
      local n = 0
      for _, k in ipairs(keys) do n = n + redis.call('DEL', k) end
      redis.call('DEL', KEYS[1])
      return n""";
  private static final String RELEASE = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
      return 0""";

  private final SharedRedis redis;
  private final String prefix;
  private final String token = UUID.randomUUID().toString();
  private final AtomicBoolean down = new AtomicBoolean();
  private volatile long retryAt;

  /** Entries under {@code prefix} in {@code redis}. */
  public RedisCacheStore(SharedRedis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  private Future<Response> send(Request r) {
    if (down.get() && System.nanoTime() - retryAt < 0) {
      return Future.failedFuture("the cache's Redis is unreachable (retrying shortly)");
    }
    return redis.send(r).andThen(ar -> {
      if (ar.succeeded()) {
        if (down.compareAndSet(true, false)) {
          LOG.info("response cache: {} answers again; entries are looked up and stored again", redis);
        }
      } else {
        retryAt = System.nanoTime() + RETRY_NANOS;
        if (down.compareAndSet(false, true)) {
          LOG.warn("response cache: {} is unreachable ({}); cached routes are served by their upstreams (X-Cache: "
              + "BYPASS) until it answers", redis, ar.cause().getMessage());
        }
      }
    });
  }

  @Override
  public Future<CachedResponse> get(String key) {
    return send(Request.cmd(Command.GET).arg(prefix + key))
        .map(r -> r == null ? null : EntryCodec.decode(r.toBuffer()));
  }

  @Override
  public Future<Void> put(String key, CachedResponse entry, long ttlMillis) {
    String[] tags = entry.tags();
    Request r = Request.cmd(Command.EVAL).arg(PUT).arg(1 + tags.length).arg(prefix + key);
    for (String t : tags) {
      r.arg(prefix + "tag:" + t);
    }
    return send(r.arg(EntryCodec.encode(entry)).arg(ttlMillis)).mapEmpty();
  }

  @Override
  public Future<Void> remove(String key) {
    return send(Request.cmd(Command.DEL).arg(prefix + key)).mapEmpty();
  }

  @Override
  public Future<Long> purgeKey(String visible) {
    return scanDelete(prefix + glob(visible) + " *", "0", 0);
  }

  @Override
  public Future<Long> purgePrefix(String pathPrefix) {
    return scanDelete(prefix + glob("GET " + pathPrefix) + "*", "0", 0);
  }

  @Override
  public Future<Long> purgeTag(String tag) {
    return send(Request.cmd(Command.EVAL).arg(PURGE_TAG).arg(1).arg(prefix + "tag:" + tag)).map(Response::toLong);
  }

  /** Deletes every key matching {@code pattern}, a SCAN page at a time. */
  private Future<Long> scanDelete(String pattern, String cursor, long deleted) {
    return send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000)).compose(r -> {
      String next = r.get(0).toString();
      List<String> keys = new ArrayList<>();
      for (Response k : r.get(1)) {
        keys.add(k.toString());
      }
      Future<Long> del = keys.isEmpty() ? Future.succeededFuture(0L) : send(del(keys)).map(Response::toLong);
      return del.compose(n -> "0".equals(next) ? Future.succeededFuture(deleted + n) : scanDelete(pattern, next, deleted + n));
    });
  }

  private static Request del(List<String> keys) {
    Request r = Request.cmd(Command.DEL);
    keys.forEach(r::arg);
    return r;
  }

  /** {@code s} as a literal in a Redis glob pattern. */
  static String glob(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  @Override
  public Future<Boolean> lease(String key, long millis) {
    return send(Request.cmd(Command.SET).arg(prefix + "lock:" + key).arg(token).arg("NX").arg("PX").arg(millis))
        .map(r -> r != null && "OK".equals(r.toString()));
  }

  @Override
  public void release(String key) {
    send(Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(prefix + "lock:" + key).arg(token));
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public boolean available() {
    return !down.get();
  }

  @Override
  public JsonObject stats() {
    return new JsonObject().put("store", "redis").put("prefix", prefix).put("available", !down.get());
  }

  @Override
  public String toString() {
    return "redis store " + redis + " prefix=" + prefix;
  }
}
