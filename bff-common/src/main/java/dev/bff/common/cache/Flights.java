package dev.bff.common.cache;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Misses of one key in flight together, across the gateway's event loops: the first request leads
 * (goes upstream), the others wait, boundedly, for what it stores, and are told {@code null} when
 * there is nothing to serve them (uncacheable, failed, or too slow), so they go upstream themselves.
 */
final class Flights {
  private final ConcurrentHashMap<String, Flight> inAir = new ConcurrentHashMap<>();
  private final AtomicInteger waiting;

  Flights(AtomicInteger waiting) {
    this.waiting = waiting;
  }

  /** The flight of {@code key}: the one in the air, or a new one; {@link Flight#claim()} says who leads. */
  Flight join(String key) {
    Flight f = inAir.get(key);
    if (f != null) {
      return f;
    }
    Flight mine = new Flight(key);
    f = inAir.putIfAbsent(key, mine);
    return f == null ? mine : f;
  }

  /** What a flight brought: the entry to serve and how to label it. */
  record Landing(CachedResponse entry, CacheStatus status) {}

  /** One key's flight. */
  final class Flight {
    private final String key;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private List<Waiter> waiters = new ArrayList<>();
    private boolean landed;
    private Landing result;

    private Flight(String key) {
      this.key = key;
    }

    /** True for exactly one caller: the leader, who must {@link #land} it. */
    boolean claim() {
      return claimed.compareAndSet(false, true);
    }

    /** Ends the flight: waiters get {@code entry} (labelled {@code status}), or null to go upstream themselves. Idempotent. */
    void land(CachedResponse entry, CacheStatus status) {
      Landing landing = entry == null ? null : new Landing(entry, status);
      inAir.remove(key, this);
      List<Waiter> ws;
      synchronized (this) {
        if (landed) {
          return;
        }
        landed = true;
        result = landing;
        ws = waiters;
        waiters = null;
      }
      for (Waiter w : ws) {
        w.resolve(landing);
      }
    }

    /**
     * Waits (on the caller's event loop) at most {@code timeoutMillis} for the leader; {@code then}
     * runs once on that event loop with the entry, or null.
     */
    void await(Context ctx, long timeoutMillis, Consumer<Landing> then) {
      Waiter w = new Waiter(ctx, then);
      synchronized (this) {
        if (!landed) {
          waiters.add(w);
          w.start(timeoutMillis);
          return;
        }
      }
      then.accept(result);
    }
  }

  /** A request waiting on a flight. */
  private final class Waiter {
    private final Context ctx;
    private final Consumer<Landing> then;
    private final AtomicBoolean done = new AtomicBoolean();
    private long timer = -1;

    Waiter(Context ctx, Consumer<Landing> then) {
      this.ctx = ctx;
      this.then = then;
    }

    void start(long timeoutMillis) {
      waiting.incrementAndGet();
      timer = ctx.owner().setTimer(timeoutMillis, id -> {
        if (done.compareAndSet(false, true)) {
          waiting.decrementAndGet();
          then.accept(null);
        }
      });
    }

    void resolve(Landing entry) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      waiting.decrementAndGet();
      if (Vertx.currentContext() == ctx) {
        ctx.owner().cancelTimer(timer);
        then.accept(entry);
      } else {
        ctx.runOnContext(v -> {
          ctx.owner().cancelTimer(timer);
          then.accept(entry);
        });
      }
    }
  }
}
