package dev.bff.demo;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters of one service, for tests: totals, requests in flight and their peak, counts per
 * path, and requests the client gave up on (closed the connection or reset the stream) before they
 * were answered. Admin and health requests are not counted.
 */
public final class RequestStats {
  private static final String UPGRADE_ENDED = "demo.stats.upgradeEnded";

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong peakInFlight = new AtomicLong();
  private final AtomicLong closedEarly = new AtomicLong();
  private final Map<String, LongAdder> byPath = new ConcurrentHashMap<>();

  /**
   * Counts a request on arrival and watches how it ends: when it is answered, or closed, or, for a
   * request turned into a WebSocket (whose response neither ends nor closes), when its handler calls
   * {@link #upgradeEnded}.
   */
  void track(RoutingContext ctx, String path) {
    requests.incrementAndGet();
    byPath.computeIfAbsent(path, p -> new LongAdder()).increment();
    long now = inFlight.incrementAndGet();
    peakInFlight.accumulateAndGet(now, Math::max);
    AtomicBoolean over = new AtomicBoolean();
    Runnable done = () -> {
      if (over.compareAndSet(false, true)) {
        inFlight.decrementAndGet();
      }
    };
    Runnable others = ctx.get(UPGRADE_ENDED);
    ctx.put(UPGRADE_ENDED, others == null ? done : (Runnable) () -> {
      others.run();
      done.run();
    });
    ctx.addEndHandler(ended -> {
      done.run();
      if (ended.failed() && ctx.get(FaultInjector.RESET_BY_FAULT) == null) {
        closedEarly.incrementAndGet();
      }
    });
  }

  /** The WebSocket that {@code ctx} became has closed: the request is no longer in flight. */
  static void upgradeEnded(RoutingContext ctx) {
    Runnable r = ctx.get(UPGRADE_ENDED);
    if (r != null) {
      r.run();
    }
  }

  /** Requests counted since start or the last reset. */
  public long requests() {
    return requests.get();
  }

  /** Requests neither answered nor closed yet. */
  public long inFlight() {
    return inFlight.get();
  }

  /** The highest {@link #inFlight()} seen since start or the last reset. */
  public long peakInFlight() {
    return peakInFlight.get();
  }

  /**
   * Requests whose connection (or HTTP/2 stream) the client closed before the answer was complete;
   * resets injected by a fault rule are not counted.
   */
  public long closedEarly() {
    return closedEarly.get();
  }

  /** Requests counted for exactly this path. */
  public long requests(String path) {
    LongAdder count = byPath.get(path);
    return count == null ? 0 : count.sum();
  }

  /**
   * Zeroes the counters. {@code inFlight} is a gauge and keeps counting the requests still open;
   * {@code peakInFlight} restarts from it.
   */
  public void reset() {
    requests.set(0);
    closedEarly.set(0);
    byPath.clear();
    peakInFlight.set(inFlight.get());
  }

  /** Returns {@code {requests, inFlight, peakInFlight, byPath, closedEarly}}. */
  public JsonObject toJson() {
    JsonObject paths = new JsonObject();
    new TreeMap<>(byPath).forEach((path, count) -> paths.put(path, count.sum()));
    return new JsonObject()
      .put("requests", requests.get())
      .put("inFlight", inFlight.get())
      .put("peakInFlight", peakInFlight.get())
      .put("byPath", paths)
      .put("closedEarly", closedEarly.get());
  }
}
