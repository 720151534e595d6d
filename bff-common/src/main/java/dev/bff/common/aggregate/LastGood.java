package dev.bff.common.aggregate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The last good values of a composition's parts, keyed by part and client request URI, shared by
 * all event loops and bounded (Caffeine: a well-kept bounded cache rather than a hand-written
 * one). JSON values are copied in and out, so no event loop ever sees another's mutations.
 */
final class LastGood {
  /** Most values kept per composition. */
  static final int MAX_ENTRIES = 10_000;
  /** Values older than this are not served. */
  static final Duration MAX_AGE = Duration.ofHours(1);

  private final Cache<String, Object> values = Caffeine.newBuilder()
      .maximumSize(MAX_ENTRIES)
      .expireAfterWrite(MAX_AGE)
      .build();

  void remember(String part, String uri, Object value) {
    if (value != null) {
      values.put(part + ' ' + uri, copy(value));
    }
  }

  /** The last good value, or null. */
  Object recall(String part, String uri) {
    Object v = values.getIfPresent(part + ' ' + uri);
    return v == null ? null : copy(v);
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
