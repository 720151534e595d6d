package dev.bff.common.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Buckets in this process, shared by its event loops: a Caffeine cache bounded by a number of keys,
 * where a bucket left alone long enough to be as good as new expires (a GCRA bucket after it has
 * refilled, a window after it has passed). Decisions are made on the caller's thread, without locks
 * beyond a bucket's own compare-and-set or short monitor.
 *
 * <p>Several limits of one request are taken in order; when one refuses, those taken before are given
 * back, so a refused request counts against none of them.
 */
public final class MemoryStore implements LimitStore {
  private final Cache<String, Cell> cells;
  private final LongSupplier clock;
  private final int maxKeys;

  /**
   * A store of at most {@code maxKeys} buckets.
   *
   * @param clock the wall clock in nanoseconds since the epoch (fixed windows are aligned to it)
   */
  public MemoryStore(int maxKeys, LongSupplier clock) {
    this.clock = clock;
    this.maxKeys = maxKeys;
    this.cells = Caffeine.newBuilder()
        .maximumSize(maxKeys)
        .ticker(clock::getAsLong)
        .expireAfter(new Expiry<String, Cell>() {
          @Override
          public long expireAfterCreate(String key, Cell c, long now) {
            return c.idleNanos;
          }

          @Override
          public long expireAfterUpdate(String key, Cell c, long now, long left) {
            return c.idleNanos;
          }

          @Override
          public long expireAfterRead(String key, Cell c, long now, long left) {
            return c.idleNanos;
          }
        })
        .build();
  }

  private static final long EPOCH_AT_START;
  private static final long NANO_AT_START;

  static {
    java.time.Instant now = java.time.Instant.now();
    NANO_AT_START = System.nanoTime();
    EPOCH_AT_START = now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /**
   * The time in nanoseconds since the epoch: the wall clock read once at start-up, advanced by the
   * monotonic clock (cheaper per request than reading the wall clock, and never going back when
   * the wall clock is stepped; it drifts from it only as the two clocks' rates differ, far less than a
   * second a day, which only the daily quota's midnight boundary could notice).
   */
  public static long epochNanos() {
    return EPOCH_AT_START + (System.nanoTime() - NANO_AT_START);
  }

  @Override
  public Future<List<Verdict>> acquire(List<Check> checks) {
    return Future.succeededFuture(decide(checks));
  }

  /** Decides now, on the caller's thread. */
  public List<Verdict> decide(List<Check> checks) {
    long now = clock.getAsLong();
    int n = checks.size();
    Verdict[] out = new Verdict[n];
    for (int i = 0; i < n; i++) {
      Check c = checks.get(i);
      Verdict v = cell(c, now).take(c.meter(), now);
      out[i] = v;
      if (!v.admitted()) {
        for (int j = 0; j < n; j++) {
          if (j != i) {
            Check o = checks.get(j);
            Cell cell = cell(o, now);
            if (j < i) {
              cell.refund(o.meter());
            }
            out[j] = cell.peek(o.meter(), now);
          }
        }
        break;
      }
    }
    return Arrays.asList(out);
  }

  private Cell cell(Check c, long now) {
    Cell cell = cells.getIfPresent(c.key()); // the common case: no mapping function (and no lambda) needed
    return cell != null ? cell : cells.get(c.key(), k -> Cell.of(c.meter(), now));
  }

  /** Buckets held now (expired ones may linger until the cache's next maintenance). */
  public long size() {
    cells.cleanUp();
    return cells.estimatedSize();
  }

  @Override
  public String toString() {
    return "memory(max-keys " + maxKeys + ")";
  }
}
