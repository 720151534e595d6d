package dev.bff.common.cache;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one gateway's response cache, shared by its event loops, for {@code GET /admin/cache}. */
public final class CacheStats {
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder stale = new LongAdder();
  final LongAdder revalidated = new LongAdder();
  final LongAdder bypass = new LongAdder();
  final LongAdder stored = new LongAdder();
  final LongAdder collapsed = new LongAdder();
  final LongAdder refreshes = new LongAdder();
  final LongAdder storeErrors = new LongAdder();
  final LongAdder purged = new LongAdder();
  final AtomicInteger waiting = new AtomicInteger();

  /** Counts an answer by how the cache served it. */
  void count(CacheStatus s) {
    switch (s) {
      case HIT -> hits.increment();
      case MISS -> misses.increment();
      case STALE -> stale.increment();
      case REVALIDATED -> revalidated.increment();
      case BYPASS -> bypass.increment();
    }
  }

  /** Failed or timed-out calls to the store. */
  public long storeErrors() {
    return storeErrors.sum();
  }

  /** Requests waiting right now for another request's response (collapsed misses). */
  public int waiting() {
    return waiting.get();
  }

  /** The counters as JSON. */
  public JsonObject toJson() {
    return new JsonObject().put("hits", hits.sum()).put("misses", misses.sum()).put("stale", stale.sum())
        .put("revalidated", revalidated.sum()).put("bypass", bypass.sum()).put("stored", stored.sum())
        .put("collapsed", collapsed.sum()).put("waiting", waiting.get()).put("backgroundRefreshes", refreshes.sum())
        .put("storeErrors", storeErrors.sum()).put("purged", purged.sum());
  }
}
