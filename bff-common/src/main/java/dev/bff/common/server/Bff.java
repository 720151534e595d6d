package dev.bff.common.server;

import dev.bff.common.config.BffConfig;
import dev.bff.common.config.ConfigException;
import dev.bff.common.config.ConfigLoader;
import dev.bff.common.config.ConfigSource;
import dev.bff.common.config.EnvSubstitution;
import dev.bff.common.config.ServerConfig;
import dev.bff.common.config.TlsConfig;
import dev.bff.common.observability.Metrics;
import dev.bff.common.observability.Telemetry;
import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Route;
import dev.bff.common.tls.KeyMaterial;
import dev.bff.common.tls.ServerTls;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.nio.file.Path;
import java.security.Security;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a BFF: {@code Bff.launch(new WebBff(), args)} from a {@code main}, or {@link #start} from
 * tests. Configuration comes from {@code --config FILE}, else {@code $BFF_CONFIG}, else the
 * module's built-in {@code <name>.yaml}.
 */
public final class Bff {
  private static final Logger LOG = LoggerFactory.getLogger(Bff.class);

  private Bff() {}

  /** Loads the configuration, starts the BFF, and shuts it down gracefully on SIGTERM or SIGINT. */
  public static void launch(BffModule module, String[] args) {
    BffConfig config;
    ConfigSource source;
    try {
      source = source(module, args);
      config = source.read();
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Security.setProperty("networkaddress.cache.ttl", "1");
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    // one registry for the gateway's meters and Vert.x's own (pools, upstream connections, event loops)
    PrometheusMeterRegistry registry = config.metrics().enabled() ? Metrics.newRegistry() : null;
    Vertx vertx = registry == null ? Vertx.vertx(options) : Vertx.builder()
        .with(options.setMetricsOptions(Metrics.vertxOptions()))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    start(vertx, module, config, new Telemetry(registry, null), source).onComplete(ar -> {
      if (ar.failed()) {
        Throwable e = ar.cause();
        System.err.println(module.name() + " failed to start: " + (e instanceof ConfigException ? "" : e.getClass()
            .getSimpleName() + ": ") + e.getMessage());
        vertx.close();
        System.exit(e instanceof ConfigException ? 2 : 1); // code and YAML disagree: a bad file, like above
        return;
      }
      RunningBff running = ar.result();
      Runnable stop = () -> running.shutdown().transform(v -> vertx.close()).onComplete(v -> {
        LOG.info("{} exited", module.name());
        System.exit(0);
      });
      Signals.onTerminate(stop);
      Signals.onHangup(() -> running.reload("SIGHUP")); // outcome logged by the reloader
    });
  }

  /** Reads the configuration the way {@link #launch} does. */
  public static BffConfig load(BffModule module, String[] args) {
    return source(module, args).read();
  }

  /**
   * Where {@link #launch} reads the configuration, at start and on every reload: {@code --config
   * FILE}, else {@code $BFF_CONFIG}, else the module's built-in {@code <name>.yaml}.
   *
   * @throws IllegalArgumentException on an unknown argument
   */
  public static ConfigSource source(BffModule module, String[] args) {
    ConfigLoader loader = new ConfigLoader(EnvSubstitution.fromSystem(), module.defaultPort(), module.defaultAdminPort());
    String file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[++i];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      } else {
        throw new IllegalArgumentException("unknown argument '" + args[i] + "'; usage: [--config FILE]");
      }
    }
    if (file == null) {
      file = System.getenv("BFF_CONFIG");
    }
    return file != null ? ConfigSource.file(loader, Path.of(file)) : ConfigSource.resource(loader, module.name() + ".yaml");
  }

  /**
   * Where a configuration handed to {@link #start} is read again on reload: its classpath resource or
   * file with the process's environment, else nowhere (reloads then fail saying so).
   */
  static ConfigSource sourceOf(BffModule module, BffConfig config) {
    ConfigLoader loader = new ConfigLoader(EnvSubstitution.fromSystem(), module.defaultPort(), module.defaultAdminPort());
    String s = config.source();
    if (s.startsWith("classpath:")) {
      return ConfigSource.resource(loader, s.substring("classpath:".length()));
    }
    return java.nio.file.Files.isRegularFile(Path.of(s)) ? ConfigSource.file(loader, Path.of(s)) : ConfigSource.none(s);
  }

  /**
   * Starts a BFF on {@code vertx}: one gateway verticle per core (or as configured) and the admin
   * listener. Fails with a {@link ConfigException} when code and configuration disagree.
   */
  public static Future<RunningBff> start(Vertx vertx, BffModule module, BffConfig config) {
    return start(vertx, module, config, Telemetry.FROM_CONFIG);
  }

  /**
   * Starts a BFF like {@link #start(Vertx, BffModule, BffConfig)}, recording metrics and spans into
   * what {@code telemetry} provides (a registry shared with Vert.x, an OpenTelemetry of the caller's).
   */
  public static Future<RunningBff> start(Vertx vertx, BffModule module, BffConfig config, Telemetry telemetry) {
    return start(vertx, module, config, telemetry, sourceOf(module, config));
  }

  /**
   * Starts a BFF like {@link #start(Vertx, BffModule, BffConfig, Telemetry)}; reloads read the
   * configuration from {@code source}.
   */
  public static Future<RunningBff> start(Vertx vertx, BffModule module, BffConfig config, Telemetry telemetry,
      ConfigSource source) {
    Gateway gateway;
    try {
      gateway = new Gateway(vertx, module, config, telemetry);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    int instances = config.server().instances() > 0 ? config.server().instances()
        : Runtime.getRuntime().availableProcessors();
    Reloader reloader = new Reloader(vertx, gateway, source);
    AdminServer admin = new AdminServer(vertx, reloader);
    GatewayVerticle[] first = new GatewayVerticle[1];
    return gateway.startBackground(vertx)
        .compose(v -> vertx.deployVerticle(() -> {
          GatewayVerticle gv = new GatewayVerticle(gateway);
          if (first[0] == null) {
            first[0] = gv;
          }
          reloader.add(gv);
          return gv;
        }, new DeploymentOptions().setInstances(instances).setThreadingModel(ThreadingModel.EVENT_LOOP)))
        .compose(id -> admin.start(config.server().adminHost(), config.server().adminPort()).compose(adm -> {
          RedirectServer redirect = config.server().httpRedirect() == null ? null
              : new RedirectServer(vertx, first[0].port());
          return (redirect == null ? Future.succeededFuture() : redirect.start(config.server())).map(r -> {
            RunningBff running = new RunningBff(vertx, reloader, id, admin, redirect, first[0].port(), adm.actualPort(),
                first[0].mtlsPort());
            gateway.watchCertificates();
            gateway.ready(true);
            logStartup(module, config, first[0], instances, running);
            reloader.watch(config.server().watchConfig());
            return running;
          });
        }).recover(e -> { // e.g. the admin or redirect port is taken: leave nothing listening
          gateway.stopBackground();
          gateway.tracing().close(vertx);
          return admin.close().transform(x -> vertx.undeploy(id)).transform(x -> Future.failedFuture(e));
        }));
  }

  private static void logStartup(BffModule module, BffConfig config, GatewayVerticle v, int instances, RunningBff r) {
    StringBuilder sb = new StringBuilder();
    ServerConfig sc = config.server();
    sb.append(module.name()).append(" listening on ").append(sc.tls() != null ? "https" : "http")
        .append("://").append(sc.host()).append(':').append(r.port())
        .append(" (admin :").append(r.adminPort());
    if (sc.mtls() != null) {
      sb.append(", mTLS https://").append(sc.mtls().host()).append(':').append(r.mtlsPort());
    }
    if (sc.httpRedirect() != null) {
      sb.append(", redirect http://").append(sc.httpRedirect().host()).append(':').append(r.redirectPort())
          .append(" -> https");
    }
    sb.append(", ").append(instances).append(" event loops, config ").append(config.source()).append(')');
    describeTls(sb, "TLS", sc.tls(), r.gateway().tls());
    describeTls(sb, "mTLS", sc.mtls() == null ? null : sc.mtls().tls(), r.gateway().mtls());
    r.gateway().groups().values().forEach(g -> sb.append("\n  upstream ").append(g));
    sb.append("\n  ").append(config.metrics()).append(", ").append(r.gateway().tracing());
    if (r.gateway().rateLimits().enabled()) {
      sb.append("\n  ").append(r.gateway().rateLimits());
    }
    if (config.routes().stream().anyMatch(x -> x.cache() != null)
        || config.endpoints().values().stream().anyMatch(x -> x.cache() != null)) {
      sb.append("\n  ").append(r.gateway().caches()); // its store; each route's cache settings are on its line
    }
    for (Route route : v.table().routes()) {
      sb.append("\n  route ").append(route);
    }
    LOG.info(sb.toString());
  }

  private static void describeTls(StringBuilder sb, String what, TlsConfig c, ServerTls tls) {
    if (c == null) {
      return;
    }
    sb.append("\n  ").append(what).append(' ').append(c.protocols()).append(" certificate ")
        .append(KeyMaterial.describe(tls.certificate())).append(" from ").append(c.cert())
        .append(c.reloadInterval().isZero() ? ", not reloaded" : ", checked every " + c.reloadInterval().toMillis() + "ms")
        .append(c.clientCa() == null ? "" : ", client certificates " + c.clientAuth().name().toLowerCase()
            + " from " + c.clientCa());
  }
}
