package dev.bff.demo;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Runs one demo service: its HTTP server on the verticle's own event loop, so services started
 * together spread over the event loops instead of sharing the caller's. Undeploying closes the server.
 */
final class ServiceVerticle extends VerticleBase {

  private final DemoService service;
  private final ServiceKit kit;
  private final HttpServerOptions options;
  private volatile ServiceRoutes routes;
  private volatile HttpServer server;

  ServiceVerticle(DemoService service, ServiceKit kit, String host, int port) {
    this.service = service;
    this.kit = kit;
    this.options = new HttpServerOptions().setHost(host).setPort(port)
      // Large uploads (curl, benchmarks) ask first; do not make them wait for their own timeout.
      .setHandle100ContinueAutomatically(true);
  }

  @Override
  public Future<?> start() {
    // Building a service's routes may take CPU time (the identity service generates its RSA and EC
    // keys), so it runs on a worker thread rather than on the event loop.
    return vertx.executeBlocking(() -> service.routes(vertx, ProductData.standard()))
      .compose(routes -> {
        this.routes = routes;
        return vertx.createHttpServer(options).requestHandler(kit.router(vertx, routes)).listen();
      })
      .onSuccess(listening -> {
        server = listening;
        routes.listening(DemoServices.baseUrl(options.getHost(), listening.actualPort()));
      });
  }

  DemoService service() {
    return service;
  }

  ServiceKit kit() {
    return kit;
  }

  /** The service's business routes; only valid once deployed. */
  ServiceRoutes routes() {
    return routes;
  }

  /** The bound port; only valid once deployed. */
  int port() {
    return server.actualPort();
  }
}
