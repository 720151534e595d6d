package dev.bff.common.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A started BFF: its bound ports, its current configuration and reloads, and a graceful shutdown. */
public final class RunningBff {
  private static final Logger LOG = LoggerFactory.getLogger(RunningBff.class);

  private final Vertx vertx;
  private final Reloader reloader;
  private final String deploymentId;
  private final AdminServer admin;
  private final RedirectServer redirect;
  private final int port;
  private final int adminPort;
  private final int mtlsPort;
  private Future<Void> shutdown;

  RunningBff(Vertx vertx, Reloader reloader, String deploymentId, AdminServer admin, RedirectServer redirect, int port,
      int adminPort, int mtlsPort) {
    this.vertx = vertx;
    this.reloader = reloader;
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

  /** The configuration generation serving now (config, upstream groups); a reload replaces it. */
  public Gateway gateway() {
    return reloader.current();
  }

  /**
   * Reads the configuration again from where it came from and swaps it in on every event loop
   * without dropping a request ({@code POST /admin/reload} and SIGHUP do the same). Completes with
   * {@code {"status": "reloaded" | "unchanged", "version", "changes", ...}}; fails with a
   * {@link dev.bff.common.config.ConfigException} naming every problem, the running configuration kept.
   */
  public Future<io.vertx.core.json.JsonObject> reload() {
    return reloader.reload("api");
  }

  /** Reloads like {@link #reload()}, naming what asked for it in the log. */
  Future<io.vertx.core.json.JsonObject> reload(String trigger) {
    return reloader.reload(trigger);
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
    Gateway gateway = reloader.current();
    gateway.ready(false);
    long drain = gateway.config().server().drainTimeout().toMillis();
    LOG.info("{} draining for up to {} ms", gateway.module().name(), drain);
    List<Future<Void>> drains = new ArrayList<>();
    gateway.servers().forEach(s -> drains.add(s.shutdown(drain, java.util.concurrent.TimeUnit.MILLISECONDS)));
    if (redirect != null) {
      drains.add(redirect.shutdown(drain));
    }
    shutdown = Future.join(drains)
        .transform(v -> reloader.close())
        .transform(v -> {
          reloader.current().stopBackground(); // a reload under way may have swapped one in meanwhile
          return vertx.undeploy(deploymentId);
        })
        .transform(v -> admin.close())
        .transform(v -> gateway.tracing().close(vertx)) // the last spans, exported
        .onComplete(v -> LOG.info("{} stopped", gateway.module().name()))
        .mapEmpty();
    return shutdown;
  }
}
