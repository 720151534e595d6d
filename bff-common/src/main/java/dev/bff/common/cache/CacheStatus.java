package dev.bff.common.cache;

/** How the cache served an answer: the {@code X-Cache} value, and the counter it goes to. */
public enum CacheStatus {
  /** From a fresh entry (or the response another request for the same key just fetched). */
  HIT,
  /** From the upstream, stored when it may be. */
  MISS,
  /** From a stale entry: while a background request refreshes it, or because the upstream failed. */
  STALE,
  /** From a stale entry that the upstream confirmed with 304 Not Modified. */
  REVALIDATED,
  /** Not looked up: a method or request the cache does not serve, or the store is unreachable. */
  BYPASS
}
