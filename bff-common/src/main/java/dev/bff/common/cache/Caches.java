package dev.bff.common.cache;

import dev.bff.common.config.CacheConfig;
import dev.bff.common.config.RouteCacheConfig;
import dev.bff.common.config.ServerConfig.CompressionConfig;
import dev.bff.common.observability.Metrics;
import dev.bff.common.proxy.ProxyTarget;
import dev.bff.common.routing.Stage;
import dev.bff.common.routing.Target;
import dev.bff.common.store.SharedRedis;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One gateway's response cache, shared by its event loops: the store (memory or Redis), the
 * counters, and one {@link ResponseCache} per cached route or endpoint; purges and the numbers of
 * {@code /admin/cache} go through here.
 */
public final class Caches {
  private final CacheConfig config;
  private final CacheStore store;
  private final CacheStats stats = new CacheStats();
  private final Map<String, ResponseCache> caches = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final Metrics metrics;

  /**
   * Creates the store; {@link #bindMeters()} registers its meters.
   *
   * @param redis   the shared Redis ({@code store: redis}), or null
   * @param bffName names the default Redis key prefix, so BFFs sharing a Redis do not share entries
   * @param metrics where each cached route's results and the store's numbers are counted
   */
  public Caches(CacheConfig config, SharedRedis redis, String bffName, Metrics metrics) {
    this(config, config.store() == CacheConfig.Store.REDIS
        ? new RedisCacheStore(redis, config.prefix() != null ? config.prefix() : "bff:cache:" + bffName + ":")
        : new MemoryStore(config.maxBytes()), System::currentTimeMillis, metrics);
  }

  /** Over a given store and clock (tests). */
  Caches(CacheConfig config, CacheStore store, LongSupplier clock, Metrics metrics) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Registers the store's meters (entries, bytes, evictions; whether it answers): once it serves,
   * after the meters of a cache it replaces on reload are released ({@link #releaseMeters()}).
   */
  public void bindMeters() {
    if (store instanceof MemoryStore m) { // Redis keeps its own numbers (INFO), shared by every replica
      metrics.cacheStore(m, MemoryStore::entries, MemoryStore::bytes, MemoryStore::evictions);
    }
    metrics.cacheStoreHealth(this, c -> c.store.available() ? 1 : 0, c -> c.stats.storeErrors());
  }

  /** Removes the meters {@link #bindMeters()} registered (a reload replaced this cache). */
  public void releaseMeters() {
    metrics.release(store);
    metrics.release(this);
  }

  /** A proxied route behind the cache. */
  public Target route(ProxyTarget proxy, RouteCacheConfig policy, CompressionConfig compression) {
    String id = proxy.route().id();
    return new CachedRoute(proxy, cache(id, id, policy), new HitWriter(compression, config.xCacheHeader()));
  }

  /** The stage caching an endpoint's answers. */
  public Stage endpoint(String name, RouteCacheConfig policy) {
    return new CacheStage(cache("endpoint:" + name, name, policy), config.xCacheHeader());
  }

  /**
   * The cache keyed by {@code id}, counted under the route label {@code route} (meters resolved
   * once); all event loops share it. A reload that changes the route's policy replaces it (the
   * entries stay in the store, each with the freshness it was stored with).
   */
  private ResponseCache cache(String id, String route, RouteCacheConfig policy) {
    return caches.compute(id, (k, old) -> old != null && old.policy().equals(policy) ? old
        : new ResponseCache(id, policy, config, store, stats, metrics.cache(route), clock));
  }

  /**
   * Purges what {@code request} names: {@code key} (e.g. {@code GET /api/products/7?lang=de}, or a
   * path), {@code prefix} (a path prefix) or {@code tag}; exactly one. Returns how many entries went.
   *
   * @throws IllegalArgumentException when the request names not exactly one of them
   */
  public Future<Long> purge(JsonObject request) {
    String key = text(request, "key");
    String prefix = text(request, "prefix");
    String tag = text(request, "tag");
    int given = (key != null ? 1 : 0) + (prefix != null ? 1 : 0) + (tag != null ? 1 : 0);
    if (given != 1 || request.size() != 1) {
      throw new IllegalArgumentException("give exactly one of key, prefix or tag, e.g. {\"prefix\": \"/api/products/\"}");
    }
    if (prefix != null && !prefix.startsWith("/")) {
      throw new IllegalArgumentException("prefix must be a path prefix starting with /");
    }
    if (key != null && !CacheKey.visibleOf(key).startsWith("GET /")) {
      throw new IllegalArgumentException("key must be a path, or GET followed by a path (and query)");
    }
    Future<Long> f = key != null ? store.purgeKey(CacheKey.visibleOf(key))
        : prefix != null ? store.purgePrefix(prefix) : store.purgeTag(tag);
    return f.onSuccess(n -> stats.purged.add(n));
  }

  private static String text(JsonObject o, String name) {
    Object v = o.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isBlank() || s.contains(" ") && !name.equals("key")) {
      throw new IllegalArgumentException(name + " must be a non-empty string");
    }
    return s;
  }

  /** The store's numbers and the counters. */
  public JsonObject stats() {
    return store.stats().mergeIn(stats.toJson()).put("maxObjectSize", config.maxObjectSize());
  }

  @Override
  public String toString() {
    return config.toString();
  }
}
