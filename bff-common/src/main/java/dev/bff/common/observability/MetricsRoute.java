package dev.bff.common.observability;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** {@code GET /metrics} on the admin listener: the registry in the Prometheus text format. */
public final class MetricsRoute {
  private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private MetricsRoute() {}

  /** Adds the route when metrics are on (with {@code metrics.enabled: false} it answers 404 like any unknown path). */
  public static void mount(Router router, Vertx vertx, Metrics metrics) {
    if (!metrics.enabled()) {
      return;
    }
    router.get("/metrics").handler(ctx -> {
      String accept = ctx.request().getHeader("Accept");
      // a scrape walks every meter (and the JVM's beans): off the event loop
      vertx.executeBlocking(() -> metrics.scrape(accept)).onComplete(ar -> {
        if (ar.failed()) {
          ctx.fail(ar.cause());
          return;
        }
        boolean open = accept != null && accept.contains("application/openmetrics-text");
        ctx.response().putHeader("content-type", open ? OPEN_METRICS : TEXT).end(ar.result());
      });
    });
  }
}
