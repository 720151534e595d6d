package dev.bff.common.ratelimit;

/** The state of one bucket in the in-memory store; shared by every event loop, so safe across threads. */
abstract class Cell {
  /** How long the bucket may stay untouched before it is as good as new and can be dropped. */
  final long idleNanos;
  /** When a request last used it (plain field: a stale read only delays a drop by one sweep). */
  long lastUsed;

  Cell(long idleNanos) {
    this.idleNanos = idleNanos;
  }

  /** Whether, left alone since its last use, it is as good as new at {@code now}. */
  boolean idle(long now) {
    return now - lastUsed >= idleNanos;
  }

  /** A new bucket for {@code m}. */
  static Cell of(Meter m, long now) {
    return m.kind() == Meter.Kind.GCRA ? new GcraCell(m, now) : new WindowCell(m);
  }

  /** Counts a request at {@code now} if the limit admits it. */
  abstract Verdict take(Meter m, long now);

  /** Gives back a request {@link #take} counted (another limit of the same decision refused it). */
  abstract void refund(Meter m);

  /** The state at {@code now} without counting anything. */
  abstract Verdict peek(Meter m, long now);
}
