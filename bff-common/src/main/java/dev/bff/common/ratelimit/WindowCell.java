package dev.bff.common.ratelimit;

/**
 * A windowed bucket in memory: the counts of the current fixed window (aligned to the epoch, so a
 * day is a UTC day) and of the one before. A fixed-window meter admits up to its limit per window; a
 * sliding-window meter estimates the requests of the last window's length as the current count plus
 * the previous count weighted by the share of the previous window still inside it, and admits while
 * that estimate plus this request stays within the limit. Changes hold the cell's monitor for a few
 * arithmetic steps only. The Redis script does the same arithmetic.
 */
final class WindowCell extends Cell {
  /** Weighted counts are fractions: a request exactly at the limit must not be refused by a rounding error. */
  private static final double EPSILON = 1e-9;

  private long window = Long.MIN_VALUE;
  private long previous;
  private long current;

  WindowCell(Meter m) {
    super(m.idleNanos());
  }

  private void roll(long w) {
    if (w != window) {
      previous = w == window + 1 ? current : 0;
      current = 0;
      window = w;
    }
  }

  @Override
  synchronized Verdict take(Meter m, long now) {
    Verdict v = judge(m, now);
    if (v.admitted()) {
      current++;
    }
    return v;
  }

  @Override
  synchronized void refund(Meter m) {
    if (current > 0) {
      current--;
    }
  }

  @Override
  synchronized Verdict peek(Meter m, long now) {
    Verdict v = judge(m, now);
    return v.admitted() ? new Verdict(true, v.remaining() + 1, v.resetNanos(), 0) : v;
  }

  /** The verdict on one more request at {@code now}; remaining and reset as if it were counted. */
  private Verdict judge(Meter m, long now) {
    long size = m.intervalNanos();
    long limit = m.limit();
    long w = Math.floorDiv(now, size);
    roll(w);
    long start = w * size;
    if (m.kind() == Meter.Kind.FIXED) {
      long reset = start + size - now;
      return current + 1 <= limit ? new Verdict(true, limit - current - 1, reset, 0)
          : new Verdict(false, 0, reset, reset);
    }
    double overlap = 1 - (now - start) / (double) size;
    double estimate = previous * overlap + current;
    if (estimate + 1 <= limit + EPSILON) {
      return new Verdict(true, (long) Math.floor(limit - estimate - 1 + EPSILON), start + 2 * size - now, 0);
    }
    double retry;
    if (current + 1 > limit) { // not in this window: in the next, once the weight of this one's count is low enough
      retry = (start + size - now) + size * Math.max(0, 1 - (limit - 1) / (double) current);
    } else { // later in this window, once the previous window's weight is low enough
      retry = (start - now) + size * (1 - (limit - 1 - current) / (double) previous);
    }
    long reset = (current > 0 ? start + 2 * size : start + size) - now;
    return new Verdict(false, 0, reset, Math.max(1, (long) Math.ceil(retry)));
  }
}
