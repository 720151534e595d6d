package dev.bff.common.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;

/**
 * How the response cache served one cached route or endpoint ({@code bff_cache_requests_total} by
 * {@code result}): the hook for the cache. Get it once per cached route from
 * {@link Metrics#cache(String)} at start-up and call one method per request it judged; store-wide
 * numbers (entries, bytes, evictions) go to {@link Metrics#cacheStore}.
 */
public final class CacheMeters {
  /** Meters that record nothing. */
  public static final CacheMeters NONE = new CacheMeters(null, null);

  private final Counter hits;
  private final Counter misses;
  private final Counter stale;
  private final Counter bypass;
  private final Counter revalidated;

  CacheMeters(Metrics metrics, String route) {
    if (metrics == null) {
      hits = misses = stale = bypass = revalidated = null;
      return;
    }
    String d = "Requests the response cache judged, by result";
    hits = metrics.counter("bff.cache.requests", d, Tags.of("route", route, "result", "hit"));
    misses = metrics.counter("bff.cache.requests", d, Tags.of("route", route, "result", "miss"));
    stale = metrics.counter("bff.cache.requests", d, Tags.of("route", route, "result", "stale"));
    bypass = metrics.counter("bff.cache.requests", d, Tags.of("route", route, "result", "bypass"));
    revalidated = metrics.counter("bff.cache.requests", d, Tags.of("route", route, "result", "revalidated"));
  }

  /** Answered from a fresh entry. */
  public void hit() {
    if (hits != null) {
      hits.increment();
    }
  }

  /** Not in the cache (or not usable): the upstream answered. */
  public void miss() {
    if (misses != null) {
      misses.increment();
    }
  }

  /** Answered from a stale entry (stale-while-revalidate, stale-if-error). */
  public void stale() {
    if (stale != null) {
      stale.increment();
    }
  }

  /** Not cacheable (method, directives, an authenticated request): the cache stood aside. */
  public void bypass() {
    if (bypass != null) {
      bypass.increment();
    }
  }

  /** Answered from a stale entry the upstream confirmed with 304 Not Modified. */
  public void revalidated() {
    if (revalidated != null) {
      revalidated.increment();
    }
  }
}
