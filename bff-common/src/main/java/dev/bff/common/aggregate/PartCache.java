package dev.bff.common.aggregate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.bff.common.auth.Principal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Fresh values of a composition's cached parts ({@link Part#cacheFor}), keyed by part, client
 * request URI and caller (a part called with a user's or partner's identity is never served to
 * another), each kept for its part's time to live. Shared by all event loops and bounded
 * (Caffeine); JSON values are copied in and out, so no event loop sees another's mutations.
 */
final class PartCache {
  /** Most values kept per composition. */
  static final int MAX_ENTRIES = 10_000;

  private record Entry(Object value, long ttlNanos) {}

  private final Cache<String, Entry> values = Caffeine.newBuilder()
      .maximumSize(MAX_ENTRIES)
      .expireAfter(new Expiry<String, Entry>() {
        @Override
        public long expireAfterCreate(String key, Entry e, long now) {
          return e.ttlNanos();
        }

        @Override
        public long expireAfterUpdate(String key, Entry e, long now, long current) {
          return e.ttlNanos();
        }

        @Override
        public long expireAfterRead(String key, Entry e, long now, long current) {
          return current;
        }
      })
      .build();

  static String key(Part p, String uri, Principal caller) {
    return caller == null ? p.name() + ' ' + uri
        : p.name() + ' ' + uri + ' ' + caller.method().yaml() + ':' + caller.issuer() + ':' + caller.subject();
  }

  void put(String key, Duration ttl, Object value) {
    if (value != null) {
      values.put(key, new Entry(copy(value), ttl.toNanos()));
    }
  }

  /** The fresh value, or null. */
  Object get(String key) {
    Entry e = values.getIfPresent(key);
    return e == null ? null : copy(e.value());
  }

  private static Object copy(Object v) {
    if (v instanceof JsonObject o) {
      return o.copy();
    }
    if (v instanceof JsonArray a) {
      return a.copy();
    }
    return v;
  }
}
