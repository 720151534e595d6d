package dev.bff.common.server;

import dev.bff.common.config.BffConfig;
import dev.bff.common.config.ConfigException;
import dev.bff.common.config.ConfigLoader;
import dev.bff.common.config.EnvSubstitution;
import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Route;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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
    try {
      config = load(module, args);
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
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    start(vertx, module, config).onComplete(ar -> {
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
    });
  }

  /** Reads the configuration the way {@link #launch} does. */
  public static BffConfig load(BffModule module, String[] args) {
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
    return file != null ? loader.load(Path.of(file)) : loader.loadResource(module.name() + ".yaml");
  }

  /**
   * Starts a BFF on {@code vertx}: one gateway verticle per core (or as configured) and the admin
   * listener. Fails with a {@link ConfigException} when code and configuration disagree.
   */
  public static Future<RunningBff> start(Vertx vertx, BffModule module, BffConfig config) {
    Gateway gateway;
    try {
      gateway = new Gateway(vertx, module, config);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    int instances = config.server().instances() > 0 ? config.server().instances()
        : Runtime.getRuntime().availableProcessors();
    AdminServer admin = new AdminServer(vertx, gateway);
    GatewayVerticle[] first = new GatewayVerticle[1];
    return gateway.startBackground(vertx)
        .compose(v -> vertx.deployVerticle(() -> {
          GatewayVerticle gv = new GatewayVerticle(gateway);
          if (first[0] == null) {
            first[0] = gv;
          }
          return gv;
        }, new DeploymentOptions().setInstances(instances).setThreadingModel(ThreadingModel.EVENT_LOOP)))
        .compose(id -> admin.start(config.server().adminHost(), config.server().adminPort()).map(adm -> {
          int port = gateway.servers().get(0).actualPort();
          RunningBff running = new RunningBff(vertx, gateway, id, admin, port, adm.actualPort());
          gateway.ready(true);
          logStartup(module, config, first[0], instances, running);
          return running;
        }));
  }

  private static void logStartup(BffModule module, BffConfig config, GatewayVerticle v, int instances, RunningBff r) {
    StringBuilder sb = new StringBuilder();
    sb.append(module.name()).append(" listening on ").append(config.server().tls() != null ? "https" : "http")
        .append("://").append(config.server().host()).append(':').append(r.port())
        .append(" (admin :").append(r.adminPort()).append(", ").append(instances).append(" event loops, config ")
        .append(config.source()).append(')');
    r.gateway().groups().values().forEach(g -> sb.append("\n  upstream ").append(g));
    if (r.gateway().rateLimits().enabled()) {
      sb.append("\n  ").append(r.gateway().rateLimits());
    }
    for (Route route : v.table().routes()) {
      sb.append("\n  route ").append(route);
    }
    LOG.info(sb.toString());
  }
}
