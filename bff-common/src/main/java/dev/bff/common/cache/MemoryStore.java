package dev.bff.common.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Entries in this process's memory: a Caffeine cache bounded by {@code max-bytes} (each entry
 * weighs its body, headers, tags and key), each entry expiring when it is no longer worth keeping.
 * Its upkeep runs on the calling thread, so the bound holds after every write rather than after a
 * background task got to it. Leases are always granted: the in-process collapsing suffices.
 */
public final class MemoryStore implements CacheStore {
  private final Cache<String, Slot> cache;
  private final long maxBytes;
  private final LongAdder evictions = new LongAdder();
  private final LongAdder expirations = new LongAdder();

  /** An entry and how long it is kept. */
  private record Slot(CachedResponse entry, long ttlNanos) {}

  /** A store bounded by {@code maxBytes}. */
  public MemoryStore(long maxBytes) {
    this.maxBytes = maxBytes;
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((String k, Slot s) -> 48 + 2 * k.length() + s.entry().weight())
        .expireAfter(new Expiry<String, Slot>() {
          @Override
          public long expireAfterCreate(String key, Slot s, long now) {
            return s.ttlNanos();
          }

          @Override
          public long expireAfterUpdate(String key, Slot s, long now, long current) {
            return s.ttlNanos();
          }

          @Override
          public long expireAfterRead(String key, Slot s, long now, long current) {
            return current;
          }
        })
        .evictionListener((String k, Slot s, RemovalCause cause) -> {
          if (cause == RemovalCause.EXPIRED) {
            expirations.increment();
          } else {
            evictions.increment();
          }
        })
        .executor(Runnable::run)
        .build();
  }

  @Override
  public Future<CachedResponse> get(String key) {
    Slot s = cache.getIfPresent(key);
    return Future.succeededFuture(s == null ? null : s.entry());
  }

  /** The entry under {@code key} now, or null (no future: the memory store answers at once). */
  public CachedResponse getNow(String key) {
    Slot s = cache.getIfPresent(key);
    return s == null ? null : s.entry();
  }

  @Override
  public Future<Void> put(String key, CachedResponse entry, long ttlMillis) {
    if (ttlMillis > 0) {
      cache.put(key, new Slot(entry, TimeUnit.MILLISECONDS.toNanos(ttlMillis)));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> remove(String key) {
    cache.invalidate(key);
    return Future.succeededFuture();
  }

  @Override
  public Future<Long> purgeKey(String visible) {
    String prefix = visible + " ";
    return Future.succeededFuture(removeIf(k -> k.startsWith(prefix)));
  }

  @Override
  public Future<Long> purgePrefix(String pathPrefix) {
    String prefix = "GET " + pathPrefix;
    return Future.succeededFuture(removeIf(k -> k.startsWith(prefix)));
  }

  @Override
  public Future<Long> purgeTag(String tag) {
    long n = 0;
    for (Map.Entry<String, Slot> e : cache.asMap().entrySet()) {
      for (String t : e.getValue().entry().tags()) {
        if (t.equals(tag)) {
          if (cache.asMap().remove(e.getKey(), e.getValue())) {
            n++;
          }
          break;
        }
      }
    }
    return Future.succeededFuture(n);
  }

  private long removeIf(Predicate<String> which) {
    long n = 0;
    for (String k : cache.asMap().keySet()) {
      if (which.test(k) && cache.asMap().remove(k) != null) {
        n++;
      }
    }
    return n;
  }

  @Override
  public Future<Boolean> lease(String key, long millis) {
    return Future.succeededFuture(true);
  }

  @Override
  public void release(String key) {
    // nothing was leased
  }

  @Override
  public boolean shared() {
    return false;
  }

  /** How many entries (and vary markers) are stored, as Caffeine estimates it. */
  public long entries() {
    return cache.estimatedSize();
  }

  /** Entries evicted to stay within {@code max-bytes} (expired ones are not counted). */
  public long evictions() {
    return evictions.sum();
  }

  /** The weight of what is stored, in bytes (at most {@code max-bytes} once a write returned). */
  public long bytes() {
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  @Override
  public JsonObject stats() {
    return new JsonObject().put("store", "memory").put("entries", cache.estimatedSize()).put("bytes", bytes())
        .put("maxBytes", maxBytes).put("evictions", evictions.sum()).put("expirations", expirations.sum());
  }

  @Override
  public String toString() {
    return "memory store max-bytes=" + maxBytes;
  }
}
