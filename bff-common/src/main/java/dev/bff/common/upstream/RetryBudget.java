package dev.bff.common.upstream;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Limits retries to a share of the requests of the last second, plus a floor, so that retries
 * never multiply the load on a failing upstream.
 */
public final class RetryBudget {
  private static final long SECOND = 1_000_000_000L;
  private final double ratio;
  private final int minPerSecond;
  private final LongSupplier clock;
  private final AtomicLong windowStart;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final java.util.concurrent.atomic.LongAdder retried = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();

  /** Creates a budget of {@code ratio} retries per request, at least {@code minPerSecond}. */
  public RetryBudget(double ratio, int minPerSecond, LongSupplier nanoClock) {
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.clock = nanoClock;
    this.windowStart = new AtomicLong(nanoClock.getAsLong());
  }

  /** Counts a first attempt. */
  public void onRequest() {
    roll();
    requests.incrementAndGet();
  }

  /** Takes one retry from the budget; false when the budget is spent. */
  public boolean tryRetry() {
    roll();
    long allowed = Math.max(minPerSecond, (long) (ratio * requests.get()));
    while (true) {
      long r = retries.get();
      if (r >= allowed) {
        refused.increment();
        return false;
      }
      if (retries.compareAndSet(r, r + 1)) {
        retried.increment();
        return true;
      }
    }
  }

  /** Retries taken from the budget since start. */
  public long retried() {
    return retried.sum();
  }

  /** Retries the budget refused since start. */
  public long refused() {
    return refused.sum();
  }

  private void roll() {
    long now = clock.getAsLong();
    long start = windowStart.get();
    if (now - start >= SECOND && windowStart.compareAndSet(start, now)) {
      requests.set(0);
      retries.set(0);
    }
  }
}
