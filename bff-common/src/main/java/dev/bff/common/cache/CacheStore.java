package dev.bff.common.cache;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Where cached responses live, by stored key ({@link CacheKey#primary()} or a variant of it). A
 * failing store fails its futures; the cache then serves from the upstream.
 */
public interface CacheStore {
  /** The entry under {@code key}, or null. */
  Future<CachedResponse> get(String key);

  /** Stores {@code entry} under {@code key} for {@code ttlMillis}. */
  Future<Void> put(String key, CachedResponse entry, long ttlMillis);

  /** Removes the entry (or vary marker, which makes its variants unreachable) under {@code key}. */
  Future<Void> remove(String key);

  /** Removes the entries whose visible key is {@code visible} (every route, caller and variant); how many. */
  Future<Long> purgeKey(String visible);

  /** Removes the entries whose visible key starts with {@code GET } + {@code pathPrefix}; how many. */
  Future<Long> purgePrefix(String pathPrefix);

  /** Removes the entries tagged {@code tag}; how many. */
  Future<Long> purgeTag(String tag);

  /**
   * Tries to become the one replica fetching {@code key} for {@code millis}: true when this one
   * should (always, for a store no other replica shares), false when another holds the lease.
   */
  Future<Boolean> lease(String key, long millis);

  /** Gives a lease back early. */
  void release(String key);

  /** Whether other replicas share this store (so waiting for them is worthwhile). */
  boolean shared();

  /** Whether the store answers right now (always, in memory). */
  default boolean available() {
    return true;
  }

  /** What the store holds, for {@code GET /admin/cache}. */
  JsonObject stats();
}
