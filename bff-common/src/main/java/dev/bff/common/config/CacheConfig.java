package dev.bff.common.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The response cache's store (the top-level {@code cache} block); which routes and endpoints are
 * cached, and how, is said by their own {@code cache} blocks ({@link RouteCacheConfig}).
 *
 * @param store             where entries live: this process's memory, or the shared Redis
 * @param maxBytes          the memory store's bound: bodies, headers and keys together
 * @param maxObjectSize     larger responses are never stored (they stream through untouched)
 * @param xCacheHeader      whether cached routes answer with {@code X-Cache: HIT|MISS|STALE|BYPASS|REVALIDATED}
 * @param revalidateWindow  how long past its stale windows an entry with an {@code ETag} or
 *                          {@code Last-Modified} is kept, to be revalidated with a conditional request
 * @param prefix            the Redis key prefix, or null for {@code bff:cache:<bff name>:}
 */
public record CacheConfig(Store store, long maxBytes, long maxObjectSize, boolean xCacheHeader,
    Duration revalidateWindow, String prefix) {
  /** 64 MiB. */
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
  /** 1 MiB. */
  public static final long DEFAULT_MAX_OBJECT_SIZE = 1024L * 1024;
  /** 10 minutes. */
  public static final Duration DEFAULT_REVALIDATE_WINDOW = Duration.ofMinutes(10);

  /** Where entries are kept. */
  public enum Store {
    /** This process's memory (Caffeine, bounded by bytes); each replica has its own. */
    MEMORY,
    /** The top-level {@code redis}, shared by the replicas. */
    REDIS
  }

  /** The settings used when the file has no {@code cache} block. */
  public static CacheConfig defaults() {
    return new CacheConfig(Store.MEMORY, DEFAULT_MAX_BYTES, DEFAULT_MAX_OBJECT_SIZE, true,
        DEFAULT_REVALIDATE_WINDOW, null);
  }

  static CacheConfig read(ConfigNode n, boolean haveRedis) {
    if (!n.present()) {
      return defaults();
    }
    if (!n.isObject()) {
      n.problem(null, "must be a mapping (store, max-bytes, max-object-size, x-cache-header, revalidate-window, prefix)");
      return defaults();
    }
    n.allowOnly(Set.of("store", "max-bytes", "max-object-size", "x-cache-header", "revalidate-window", "prefix"));
    Store store = Store.MEMORY;
    String s = n.string("store", "memory");
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "memory" -> store = Store.MEMORY;
      case "redis" -> {
        store = Store.REDIS;
        if (!haveRedis) {
          n.problem("store", "redis needs the top-level redis block (url) to know which Redis");
        }
      }
      default -> n.problem("store", "must be memory or redis, was '" + s + "'");
    }
    long maxBytes = n.size("max-bytes", DEFAULT_MAX_BYTES);
    if (maxBytes < 64 * 1024) {
      n.problem("max-bytes", "must be at least 64KB, was " + maxBytes + " bytes");
      maxBytes = DEFAULT_MAX_BYTES;
    }
    long maxObject = n.size("max-object-size", DEFAULT_MAX_OBJECT_SIZE);
    if (maxObject < 1 || maxObject > Integer.MAX_VALUE / 2) {
      n.problem("max-object-size", "must be between 1 byte and 1GB");
    } else if (store == Store.MEMORY && maxObject > maxBytes) {
      n.problem("max-object-size", "must not exceed max-bytes (" + maxBytes + " bytes)");
    }
    String prefix = n.string("prefix", null);
    if (prefix != null && (prefix.isBlank() || prefix.contains(" "))) {
      n.problem("prefix", "must be a Redis key prefix without spaces, e.g. bff:cache:web:");
    }
    return new CacheConfig(store, maxBytes, maxObject, n.bool("x-cache-header", true),
        n.duration("revalidate-window", DEFAULT_REVALIDATE_WINDOW), prefix);
  }

  @Override
  public String toString() {
    return "cache store=" + store.name().toLowerCase(Locale.ROOT)
        + (store == Store.MEMORY ? " max-bytes=" + maxBytes : " prefix=" + prefix)
        + " max-object-size=" + maxObjectSize + " revalidate-window=" + revalidateWindow.toMillis() + "ms"
        + (xCacheHeader ? " x-cache" : "");
  }
}
