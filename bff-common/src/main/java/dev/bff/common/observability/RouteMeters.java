package dev.bff.common.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The meters of one route or endpoint, shared by all event loops: requests and their latency by
 * status class ({@code bff_request_duration_seconds}), bytes in and out, requests in flight, degraded
 * answers, authentication failures by reason, and the parts of a composed endpoint.
 */
public final class RouteMeters {
  /** The route label of requests no route matched. */
  public static final String UNMATCHED = "unmatched";

  static final RouteMeters NONE = new RouteMeters(null, null);

  /** Why a request was refused by authentication: a bounded set, the metric's {@code reason} label. */
  public enum AuthFailure {
    /** No credential the route accepts was sent (401). */
    MISSING,
    /** A credential was sent but did not verify: unknown, revoked, expired, bad signature... (401). */
    INVALID,
    /** Verified, but without the roles, scopes or client the route requires (403). */
    FORBIDDEN,
    /** The credential could not be judged: keys or the key store unavailable (503). */
    UNAVAILABLE;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Metrics metrics;
  private final String route;
  private final Timer[] byClass = new Timer[6]; // [status / 100], created on first use
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final LongAdder inFlight = new LongAdder();
  private volatile Counter degraded;
  private final Counter[] auth = new Counter[AuthFailure.values().length];
  private final ConcurrentHashMap<String, PartMeters> parts = new ConcurrentHashMap<>();

  RouteMeters(Metrics metrics, String route) {
    this.metrics = metrics;
    this.route = route;
    if (metrics == null) {
      bytesIn = null;
      bytesOut = null;
      return;
    }
    Tags t = Tags.of("route", route);
    bytesIn = Counter.builder("bff.request.body").baseUnit("bytes").description("Request bytes read from clients")
        .tags(t).register(metrics.registry());
    bytesOut = Counter.builder("bff.response.body").baseUnit("bytes")
        .description("Response bytes written to clients").tags(t).register(metrics.registry());
    Gauge.builder("bff.requests.in.flight", inFlight, LongAdder::sum).description("Requests being served")
        .tags(t).register(metrics.registry());
  }

  /** Whether these meters record anything. */
  public boolean enabled() {
    return metrics != null;
  }

  /** A request matched the route and is being served. */
  public void started() {
    if (metrics != null) {
      inFlight.increment();
    }
  }

  /**
   * A request ended.
   *
   * @param status   the status sent (499 when the client left first)
   * @param nanos    how long it took
   * @param in       request bytes read
   * @param out      response bytes written
   * @param degraded whether the answer said some parts were degraded ({@code BFF-Degraded})
   * @param started  whether {@link #started()} counted it in flight
   */
  public void completed(int status, long nanos, long in, long out, boolean degraded, boolean started) {
    if (metrics == null) {
      return;
    }
    if (started) {
      inFlight.decrement();
    }
    int c = Math.max(1, Math.min(5, status / 100));
    Timer t = byClass[c];
    if (t == null) { // a race registers the same timer twice: the registry hands back the one it has
      t = metrics.timer("bff.request.duration", "Requests by route and status class, from the first byte to the last",
          Tags.of("route", route, "status", c + "xx"));
      byClass[c] = t;
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
    if (in > 0) {
      bytesIn.increment(in);
    }
    if (out > 0) {
      bytesOut.increment(out);
    }
    if (degraded) {
      Counter d = this.degraded;
      if (d == null) {
        d = metrics.counter("bff.degraded.responses", "Answers with degraded parts (BFF-Degraded)",
            Tags.of("route", route));
        this.degraded = d;
      }
      d.increment();
    }
  }

  /** Authentication refused a request. */
  public void authFailure(AuthFailure reason) {
    if (metrics == null) {
      return;
    }
    Counter c = auth[reason.ordinal()];
    if (c == null) {
      c = metrics.counter("bff.auth.failures", "Requests refused by authentication, by reason",
          Tags.of("route", route, "reason", reason.label()));
      auth[reason.ordinal()] = c;
    }
    c.increment();
  }

  /** The meters of one part of this (composed) endpoint. */
  public PartMeters part(String name) {
    if (metrics == null) {
      return PartMeters.NONE;
    }
    PartMeters p = parts.get(name);
    return p != null ? p : parts.computeIfAbsent(name, n -> new PartMeters(metrics, route, n));
  }
}
