package dev.bff.common.resilience;

import java.util.function.LongSupplier;

/**
 * Calls and failures over a sliding time window, kept in ten buckets (so the window slides in
 * tenths). Not thread-safe: its owner synchronizes.
 */
final class FailureWindow {
  private static final int BUCKETS = 10;

  private final long bucketNanos;
  private final LongSupplier clock;
  private final long[] calls = new long[BUCKETS];
  private final long[] failures = new long[BUCKETS];
  private final long[] bucketStart = new long[BUCKETS];
  private final boolean[] used = new boolean[BUCKETS];

  FailureWindow(long windowNanos, LongSupplier nanoClock) {
    this.bucketNanos = Math.max(1, windowNanos / BUCKETS);
    this.clock = nanoClock;
  }

  /** Counts one finished call. */
  void record(boolean failed) {
    long now = clock.getAsLong();
    long slot = Math.floorDiv(now, bucketNanos);
    int i = (int) Math.floorMod(slot, BUCKETS);
    long start = slot * bucketNanos;
    if (!used[i] || bucketStart[i] != start) { // a bucket from an earlier turn of the ring: start it afresh
      used[i] = true;
      bucketStart[i] = start;
      calls[i] = 0;
      failures[i] = 0;
    }
    calls[i]++;
    if (failed) {
      failures[i]++;
    }
  }

  /** Calls counted in the window that ends now. */
  long calls() {
    return sum(calls);
  }

  /** Failures counted in the window that ends now. */
  long failures() {
    return sum(failures);
  }

  private long sum(long[] counts) {
    long oldest = Math.floorDiv(clock.getAsLong(), bucketNanos) * bucketNanos - (BUCKETS - 1) * bucketNanos;
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      if (used[i] && bucketStart[i] >= oldest) {
        total += counts[i];
      }
    }
    return total;
  }

  /** Forgets everything (the circuit opened or closed). */
  void clear() {
    java.util.Arrays.fill(used, false);
  }
}
