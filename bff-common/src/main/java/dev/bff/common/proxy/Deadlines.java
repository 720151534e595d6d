package dev.bff.common.proxy;

import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * The response deadlines of one route on one event loop. Every call of a route has the same
 * timeout, so deadlines are added in order and a FIFO with a single Vert.x timer (armed for the
 * oldest waiting deadline) replaces a timer armed and cancelled per request. Touched only from
 * its event loop.
 */
final class Deadlines {
  private final Vertx vertx;
  private final long timeoutNanos;
  private final ArrayDeque<Entry> queue = new ArrayDeque<>();
  private boolean armed;

  /** A call waiting for its response head; {@code call} is cleared when it no longer waits. */
  static final class Entry {
    final long deadline;
    ProxyCall call;

    Entry(long deadline, ProxyCall call) {
      this.deadline = deadline;
      this.call = call;
    }
  }

  Deadlines(Vertx vertx, long timeoutMillis) {
    this.vertx = vertx;
    this.timeoutNanos = timeoutMillis * 1_000_000L;
  }

  /** Starts the response timeout of {@code call}; {@link ProxyCall#responseTimedOut()} runs if it passes. */
  Entry start(ProxyCall call) {
    Entry e = new Entry(System.nanoTime() + timeoutNanos, call);
    queue.addLast(e);
    if (!armed) {
      arm(timeoutNanos);
    }
    return e;
  }

  /** The call got its response head (or ended otherwise): it no longer waits. */
  void stop(Entry e) {
    e.call = null;
    Entry head;
    while ((head = queue.peekFirst()) != null && head.call == null) {
      queue.pollFirst();
    }
  }

  private void arm(long nanos) {
    armed = true;
    vertx.setTimer(Math.max(1, (nanos + 999_999) / 1_000_000), id -> fire());
  }

  private void fire() {
    armed = false;
    long now = System.nanoTime();
    Entry e;
    while ((e = queue.peekFirst()) != null) {
      if (e.call == null) {
        queue.pollFirst();
      } else if (e.deadline - now > 0) {
        arm(e.deadline - now);
        return;
      } else {
        queue.pollFirst();
        ProxyCall c = e.call;
        e.call = null;
        c.responseTimedOut();
      }
    }
  }
}
