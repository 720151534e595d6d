package dev.bff.common.observability;

import dev.bff.common.aggregate.Degradation;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Route;
import io.vertx.core.http.HttpHeaders;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Watches the requests of one event loop: starts each one's trace, counts it in flight on its
 * route once routed, and when it ends records its meters, ends its spans and writes its access-log
 * line. Each route's meters are resolved here once, at start-up.
 */
public final class Observer {
  static final CharSequence DEGRADED = HttpHeaders.createOptimized(Degradation.HEADER);

  private final Metrics metrics;
  private final Tracing tracing;
  private final boolean accessLog;
  private final AuditLog audit;
  private final Map<Route, RouteMeters> meters = new IdentityHashMap<>();
  private final RouteMeters unmatched;
  private final Consumer<Exchange> onComplete;

  /** Resolves the meters of {@code routes} (this event loop's compiled table); {@code audit} may be null. */
  public Observer(Metrics metrics, Tracing tracing, boolean accessLog, AuditLog audit, List<Route> routes) {
    this.metrics = metrics;
    this.tracing = tracing;
    this.accessLog = accessLog;
    this.audit = audit;
    for (Route r : routes) {
      meters.put(r, metrics.route(r.id()));
    }
    this.unmatched = metrics.unmatched();
    this.onComplete = metrics.enabled() || tracing.enabled() || accessLog || audit != null ? this::complete : null;
  }

  /** What the exchange runs when it ends, or null when nothing is recorded at all. */
  public Consumer<Exchange> onComplete() {
    return onComplete;
  }

  /** A request arrived: its trace begins. */
  public void begin(Exchange ex) {
    if (tracing.enabled()) {
      ex.trace(tracing.start(ex.request()));
    }
  }

  /** The request matched {@code route}: it is in flight there. */
  public void routed(Exchange ex, Route route) {
    RouteMeters m = meters.get(route);
    if (m != null && m.enabled()) {
      ex.meters(m);
      m.started();
    }
  }

  /** A request the HTTP decoder refused (no exchange, no route) was answered: counted as unmatched. */
  public void invalid(int status, long nanos, long bytesOut) {
    if (metrics.enabled()) {
      unmatched.completed(status, nanos, 0, bytesOut, false, false);
    }
  }

  private void complete(Exchange ex) {
    int status = ex.aborted() ? 499 : ex.response().getStatusCode();
    if (metrics.enabled()) {
      RouteMeters m = ex.meters();
      (m != null ? m : unmatched).completed(status, System.nanoTime() - ex.startNanos(), ex.request().bytesRead(),
          ex.response().bytesWritten(), ex.response().headers().contains(DEGRADED), m != null);
    }
    if (ex.trace() != null) {
      ex.trace().finish(ex, status);
    }
    if (accessLog) {
      AccessLog.log(ex);
    }
    if (audit != null) {
      audit.log(ex);
    }
  }
}
