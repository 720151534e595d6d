package dev.bff.common.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A started BFF: its bound ports, and a graceful shutdown. */
public final class RunningBff {
  private static final Logger LOG = LoggerFactory.getLogger(RunningBff.class);

  private final Vertx vertx;
  private final Gateway gateway;
  private final String deploymentId;
  private final AdminServer admin;
  private final RedirectServer redirect;
  private final int port;
  private final int adminPort;
  private final int mtlsPort;
  private Future<Void> shutdown;

  RunningBff(Vertx vertx, Gateway gateway, String deploymentId, AdminServer admin, RedirectServer redirect, int port,
      int adminPort, int mtlsPort) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.deploymentId = deploymentId;
    this.admin = admin;
    this.redirect = redirect;
    this.port = port;
    this.adminPort = adminPort;
    this.mtlsPort = mtlsPort;
  }

  /** The bound gateway port. */
  public int port() {
    return port;
  }

  /** The bound admin port. */
  public int adminPort() {
    return adminPort;
  }

  /** The bound port of the mTLS listener ({@code server.mtls}), or -1 when there is none. */
  public int mtlsPort() {
    return mtlsPort;
  }

  /** The bound port of the HTTP-to-HTTPS redirect listener ({@code server.http-redirect}), or -1 when there is none. */
  public int redirectPort() {
    return redirect == null ? -1 : redirect.port();
  }

  /** The shared gateway state (config, upstream groups). */
  public Gateway gateway() {
    return gateway;
  }

  /**
   * Shuts down gracefully: {@code /health/ready} turns 503, the listeners (main, mTLS, redirect)
   * stop accepting, in-flight requests get up to the configured drain time to finish (HTTP/1.1
   * connections close after their current response, HTTP/2 ones get GOAWAY), then everything
   * closes. Idempotent.
   */
  public synchronized Future<Void> shutdown() {
    if (shutdown != null) {
      return shutdown;
    }
    gateway.ready(false);
    long drain = gateway.config().server().drainTimeout().toMillis();
    LOG.info("{} draining for up to {} ms", gateway.module().name(), drain);
    List<Future<Void>> drains = new ArrayList<>();
    gateway.servers().forEach(s -> drains.add(s.shutdown(drain, java.util.concurrent.TimeUnit.MILLISECONDS)));
    if (redirect != null) {
      drains.add(redirect.shutdown(drain));
    }
    shutdown = Future.join(drains)
        .transform(v -> {
          gateway.stopBackground();
          return vertx.undeploy(deploymentId);
        })
        .transform(v -> admin.close())
        .transform(v -> gateway.tracing().close(vertx)) // the last spans, exported
        .onComplete(v -> LOG.info("{} stopped", gateway.module().name()))
        .mapEmpty();
    return shutdown;
  }
}
