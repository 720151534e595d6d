package dev.bff.common.ratelimit;

import io.vertx.core.Future;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Buckets in this process, shared by its event loops: a {@link ConcurrentHashMap} of at most
 * {@code maxKeys} buckets (plus a tenth of slack). A bucket left alone long enough to be as good as
 * new (a GCRA bucket after it has refilled, a window after it has passed) is dropped by a sweep,
 * which runs every {@value #SWEEP_EVERY} new buckets or when the slack is used up; dropping such a
 * bucket changes nothing, since a new one starts the same. When the live buckets alone exceed the
 * bound, the sweep also drops the least recently used ones (by a sampled cut-off), as any bounded
 * limiter must. Decisions are made on the caller's thread, without locks beyond a bucket's own
 * compare-and-set or short monitor.
 *
 * <p>A map rather than Caffeine: with a per-entry expiry, Caffeine's bookkeeping on every read cost
 * about 2 us per decision, 8% of a pass-through request (deploy/bench/README.md); here a hit is one
 * map lookup and a field write, and the sweeps' cost is spread over many new buckets.
 *
 * <p>Several limits of one request are taken in order; when one refuses, those taken before are given
 * back, so a refused request counts against none of them.
 */
public final class MemoryStore implements LimitStore {
  /** New buckets between two sweeps for idle ones. */
  static final int SWEEP_EVERY = 4096;
  private static final int SAMPLE = 1024;

  private final ConcurrentHashMap<String, Cell> cells = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final int maxKeys;
  private final int slack;
  private final AtomicInteger created = new AtomicInteger();
  private final AtomicBoolean sweeping = new AtomicBoolean();

  /**
   * A store of at most {@code maxKeys} buckets.
   *
   * @param clock the wall clock in nanoseconds since the epoch (fixed windows are aligned to it)
   */
  public MemoryStore(int maxKeys, LongSupplier clock) {
    this.clock = clock;
    this.maxKeys = maxKeys;
    this.slack = Math.max(16, maxKeys / 10);
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
    Cell cell = cells.get(c.key()); // the common case: one lookup, no mapping function
    if (cell == null) {
      cell = cells.computeIfAbsent(c.key(), k -> Cell.of(c.meter(), now));
      if (created.incrementAndGet() % SWEEP_EVERY == 0 || cells.size() > maxKeys + slack) {
        sweep(now);
      }
    }
    cell.lastUsed = now;
    return cell;
  }

  /**
   * Drops idle buckets and, if the live ones alone are over {@code maxKeys}, the least recently used
   * down to nine tenths of it. One sweep at a time; the others go on without waiting.
   */
  private void sweep(long now) {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      cells.values().removeIf(c -> c.idle(now));
      int over = cells.size() - (maxKeys - maxKeys / 10);
      if (cells.size() > maxKeys && over > 0) {
        long[] sample = new long[Math.min(SAMPLE, cells.size())];
        int n = 0;
        for (Cell c : cells.values()) {
          if (n == sample.length) {
            break;
          }
          sample[n++] = c.lastUsed;
        }
        Arrays.sort(sample, 0, n);
        long cutoff = sample[(int) Math.min(n - 1, (long) n * over / cells.size())];
        cells.values().removeIf(c -> c.lastUsed <= cutoff);
      }
    } finally {
      sweeping.set(false);
    }
  }

  /** Buckets held now, after dropping those idle at the clock's present time. */
  public long size() {
    sweep(clock.getAsLong());
    return cells.size();
  }

  @Override
  public String toString() {
    return "memory(max-keys " + maxKeys + ")";
  }
}
