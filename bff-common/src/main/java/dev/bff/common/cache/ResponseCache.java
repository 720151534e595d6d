package dev.bff.common.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bff.common.auth.Principal;
import dev.bff.common.config.CacheConfig;
import dev.bff.common.config.RouteCacheConfig;
import dev.bff.common.observability.CacheMeters;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The cache of one route or endpoint, shared by the gateway's event loops: its settings, keys,
 * lookups through {@code Vary}, storing, the flights of collapsed misses, and which keys are being
 * refreshed in the background. {@link CachedRoute} and {@link CacheStage} speak HTTP around it.
 */
public final class ResponseCache {
  /** How long a key whose response could not be stored skips collapsing (Varnish's hit-for-pass). */
  static final Duration PASS_FOR = Duration.ofSeconds(10);

  private final String id;
  private final RouteCacheConfig policy;
  private final CacheConfig config;
  private final CacheStore store;
  private final MemoryStore memory; // the same store when it is in memory (answers without futures), else null
  private final CacheStats stats;
  private final CacheMeters meters;
  private final Flights flights;
  private final LongSupplier clock;
  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
  private final Cache<String, Boolean> passing = Caffeine.newBuilder().maximumSize(10_000)
      .expireAfterWrite(PASS_FOR).executor(Runnable::run).build();

  ResponseCache(String id, RouteCacheConfig policy, CacheConfig config, CacheStore store, CacheStats stats,
      CacheMeters meters, LongSupplier clock) {
    this.id = id;
    this.policy = policy;
    this.config = config;
    this.store = store;
    this.memory = store instanceof MemoryStore m ? m : null;
    this.stats = stats;
    this.meters = meters;
    this.flights = new Flights(stats.waiting);
    this.clock = clock;
  }

  /** The route's settings. */
  public RouteCacheConfig policy() {
    return policy;
  }

  CacheConfig config() {
    return config;
  }

  CacheStore store() {
    return store;
  }

  CacheStats stats() {
    return stats;
  }

  /** Now, in epoch millis. */
  long now() {
    return clock.getAsLong();
  }

  /** The key of a request to this route. */
  CacheKey key(String path, String query, MultiMap headers, Principal principal) {
    return CacheKey.of(id, path, query, headers, principal, policy);
  }

  /** The entry for a request: the primary key's, or, when it varies, the matching variant's; null when none. */
  Future<CachedResponse> lookup(CacheKey key, MultiMap requestHeaders) {
    if (memory != null) {
      CachedResponse e = memory.getNow(key.primary());
      if (e != null && e.isMarker()) {
        e = memory.getNow(key.variant(e.vary(), requestHeaders));
      }
      return Future.succeededFuture(e);
    }
    return store.get(key.primary()).compose(e -> e == null || !e.isMarker() ? Future.succeededFuture(e)
        : store.get(key.variant(e.vary(), requestHeaders)));
  }

  /**
   * The lifetimes of a response, from its headers as the upstream sent them.
   */
  Freshness freshness(Directives cc, MultiMap raw, long now) {
    return Freshness.of(cc, raw.get(HttpHeaders.EXPIRES), raw.get(HttpHeaders.DATE), raw.get(HttpHeaders.AGE), policy,
        now);
  }

  /** Stores an entry under its key (or variant key, with a marker under the primary key). */
  void store(CacheKey key, MultiMap requestHeaders, CachedResponse entry) {
    long ttl = entry.freshness().keep(entry.validatable(), config.revalidateWindow().toMillis());
    if (ttl <= 0) {
      return;
    }
    stats.stored.increment();
    passing.invalidate(key.primary());
    String[] vary = entry.vary();
    if (vary.length == 0) {
      store.put(key.primary(), entry, ttl).onFailure(t -> stats.storeErrors.increment());
      return;
    }
    CachedResponse marker = CachedResponse.marker(List.of(vary), entry.storedAt(), entry.freshness());
    store.put(key.primary(), marker, ttl).onFailure(t -> stats.storeErrors.increment());
    store.put(key.variant(vary, requestHeaders), entry, ttl).onFailure(t -> stats.storeErrors.increment());
  }

  /** The flight of collapsed misses for a key. */
  Flights.Flight flight(CacheKey key) {
    return flights.join(key.primary());
  }

  /** Remembers that a key's response could not be stored: its next misses are not collapsed for a while. */
  void pass(CacheKey key) {
    passing.put(key.primary(), Boolean.TRUE);
  }

  /** Whether a key's misses are collapsed now. */
  boolean collapses(CacheKey key) {
    return policy.collapse() && passing.getIfPresent(key.primary()) == null;
  }

  /** True for exactly one caller until {@link #refreshed}: that one refreshes the key in the background. */
  boolean startRefresh(CacheKey key) {
    return refreshing.add(key.primary());
  }

  /** The background refresh of a key ended. */
  void refreshed(CacheKey key) {
    refreshing.remove(key.primary());
  }

  /** Counts an answer: in the gateway's counters and in this route's meters. */
  void count(CacheStatus s) {
    stats.count(s);
    switch (s) {
      case HIT -> meters.hit();
      case MISS -> meters.miss();
      case STALE -> meters.stale();
      case REVALIDATED -> meters.revalidated();
      case BYPASS -> meters.bypass();
    }
  }

  @Override
  public String toString() {
    return policy.toString();
  }
}
