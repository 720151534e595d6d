package dev.bff.common.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on the test thread (never an event loop) until a condition holds, or fails after a bound. */
public final class Eventually {
  private Eventually() {}

  /** Polls {@code condition} every 10 ms for up to {@code within}; throws {@link AssertionError} if it never holds. */
  public static void holds(Duration within, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what, e);
      }
    }
  }
}
