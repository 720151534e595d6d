package dev.bff.common.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A GCRA bucket in memory: one theoretical arrival time, updated by compare-and-set (no lock). A
 * request at {@code now} is admitted when {@code max(tat, now) + interval - now <= burst * interval};
 * then the arrival time moves one interval on. The Redis script does the same arithmetic.
 */
final class GcraCell extends Cell {
  private final AtomicLong tat;

  GcraCell(Meter m, long now) {
    super(m.idleNanos());
    this.tat = new AtomicLong(now);
  }

  @Override
  Verdict take(Meter m, long now) {
    long interval = m.intervalNanos();
    long cap = m.windowNanos();
    while (true) {
      long old = tat.get();
      long base = Math.max(old, now);
      long next = base + interval;
      if (next - now > cap) {
        return new Verdict(false, Math.max(0, (cap - (base - now)) / interval), base - now, next - now - cap);
      }
      if (tat.compareAndSet(old, next)) {
        return new Verdict(true, (cap - (next - now)) / interval, next - now, 0);
      }
    }
  }

  @Override
  void refund(Meter m) {
    tat.addAndGet(-m.intervalNanos());
  }

  @Override
  Verdict peek(Meter m, long now) {
    long base = Math.max(tat.get(), now);
    long remaining = Math.max(0, (m.windowNanos() - (base - now)) / m.intervalNanos());
    long retry = Math.max(0, base + m.intervalNanos() - now - m.windowNanos());
    return new Verdict(remaining > 0, remaining, base - now, retry);
  }
}
