package dev.bff.common.upstream;

import dev.bff.common.config.UpstreamConfig;
import dev.bff.common.config.UpstreamConfig.HealthCheckConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks: every interval, a GET of the configured path on each instance. An instance
 * turns unhealthy after {@code unhealthy-threshold} failed checks in a row and healthy again (and
 * is re-admitted if it was ejected) after {@code healthy-threshold} passed checks.
 */
public final class HealthChecker {
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

  private final Vertx vertx;
  private final UpstreamGroup group;
  private final HealthCheckConfig config;
  private HttpClient client;
  private long timer = -1;

  /** Creates a checker for a group whose config has a health check. */
  public HealthChecker(Vertx vertx, UpstreamGroup group) {
    this.vertx = vertx;
    this.group = group;
    this.config = group.config().healthCheck();
  }

  /** Starts checking periodically (first round at once). */
  public void start() {
    HttpClientOptions options = new HttpClientOptions()
        .setConnectTimeout((int) config.timeout().toMillis())
        .setKeepAlive(true)
        .setName("health-" + group.name());
    if (group.tls() != null) {
      group.tls().configure(options); // checks meet the same certificates as requests
    }
    UpstreamConfig c = group.config();
    ProtocolOptions.configure(options, c); // checks speak the protocol requests speak
    client = vertx.createHttpClient(options, ProtocolOptions.pool(c, c.protocol().http2() ? 1 : 2, -1));
    checkAll();
    timer = vertx.setPeriodic(config.interval().toMillis(), id -> checkAll());
  }

  /** Stops checking. */
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (client != null) {
      client.close();
    }
  }

  private void checkAll() {
    for (Instance i : group.instances()) {
      RequestOptions o = new RequestOptions().setServer(i.address()).setHost(i.host()).setPort(i.port())
          .setSsl(i.ssl()).setMethod(HttpMethod.GET).setURI(config.path()).setIdleTimeout(config.timeout().toMillis());
      i.bracketHost(o);
      if (group.tls() != null) {
        group.tls().withServerName(o, i);
      }
      client.request(o)
          .compose(req -> Http2Head.adapt(req).send().compose(resp -> resp.end().map(v -> resp.statusCode())))
          .onComplete(ar -> record(group, i, ar.succeeded() && ar.result() >= 200 && ar.result() < 300));
    }
  }

  static void record(UpstreamGroup g, Instance i, boolean ok) {
    HealthCheckConfig c = g.config().healthCheck();
    synchronized (i) {
      if (ok) {
        i.checkFailures = 0;
        i.checkSuccesses++;
        if (i.checkSuccesses >= c.healthyThreshold()) {
          if (!i.healthy) {
            i.healthy = true;
            LOG.info("upstream {} instance {} is healthy again", g.name(), i);
          }
          g.readmit(i);
        }
      } else {
        i.checkSuccesses = 0;
        i.checkFailures++;
        if (i.healthy && i.checkFailures >= c.unhealthyThreshold()) {
          i.healthy = false;
          LOG.warn("upstream {} instance {} failed {} health checks and is out of rotation", g.name(), i,
              i.checkFailures);
        }
      }
    }
  }
}
