package dev.bff.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Starts demo services: each one a Vert.x HTTP server on its own port with the shared admin, stats,
 * fault-injection and health routes of {@link ServiceKit}.
 *
 * <pre>{@code
 * DemoServices demo = DemoServices.start(vertx, Map.of("catalog", 0, "echo", 0)).await();
 * String catalog = demo.url("catalog");   // http://127.0.0.1:<random port>
 * demo.faults("catalog").add(FaultRule.on("/products/*").withStatus(503, 1.0));
 * String issuer = demo.identity().issuer();   // = demo.url("identity"), the iss of its tokens
 * }</pre>
 */
public final class DemoServices {

  /** The address services bind to unless told otherwise. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  private static final Logger LOG = LoggerFactory.getLogger(DemoServices.class);

  private final String host;
  private final Vertx vertx;
  /** Running services and their deployment ids. */
  private final Map<DemoService, ServiceVerticle> running;
  private final Map<DemoService, String> deployments;
  private final RequestStats all;

  private DemoServices(String host, Vertx vertx, Map<DemoService, ServiceVerticle> running,
                       Map<DemoService, String> deployments, RequestStats all) {
    this.host = host;
    this.all = all;
    this.vertx = vertx;
    this.running = Collections.unmodifiableMap(running);
    this.deployments = Collections.unmodifiableMap(deployments);
  }

  /** Starts all services on their default ports (or {@code --only}, {@code --port-offset}, {@code --host}). */
  public static void main(String[] args) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(LaunchOptions.USAGE);
      return;
    }
    LaunchOptions options;
    try {
      options = LaunchOptions.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(LaunchOptions.USAGE);
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    start(vertx, options.ports(), options.host())
      .onSuccess(demo -> {
        demo.running.forEach((service, verticle) ->
          LOG.info("{} listening on http://{}:{}", service.serviceName(), options.host(), verticle.port()));
        Runtime.getRuntime().addShutdownHook(new Thread(demo::stop, "demo-services-shutdown"));
      })
      .onFailure(e -> {
        LOG.error("demo services failed to start: {}", e.getMessage());
        vertx.close().onComplete(v -> System.exit(1));
      });
  }

  /** Starts the named services on {@link #DEFAULT_HOST}; a port of 0 picks a free port. */
  public static Future<DemoServices> start(Vertx vertx, Map<String, Integer> ports) {
    return start(vertx, ports, DEFAULT_HOST);
  }

  /**
   * Starts the named services on {@code host}; a port of 0 picks a free port. Fails, closing what
   * did start, when a name is unknown or a port cannot be bound.
   */
  public static Future<DemoServices> start(Vertx vertx, Map<String, Integer> ports, String host) {
    Map<DemoService, Integer> wanted = new EnumMap<>(DemoService.class);
    try {
      ports.forEach((name, port) -> wanted.put(DemoService.byName(name), port));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Map<DemoService, ServiceVerticle> verticles = new EnumMap<>(DemoService.class);
    Map<DemoService, Future<String>> deploying = new EnumMap<>(DemoService.class);
    RequestStats all = new RequestStats();
    wanted.forEach((service, port) -> {
      ServiceVerticle verticle = new ServiceVerticle(service, new ServiceKit(vertx, service.serviceName(), all), host,
        port);
      verticles.put(service, verticle);
      deploying.put(service, vertx.deployVerticle(verticle));
    });
    return Future.join(new ArrayList<>(deploying.values())).transform(done -> {
      Map<DemoService, ServiceVerticle> running = new EnumMap<>(DemoService.class);
      Map<DemoService, String> ids = new EnumMap<>(DemoService.class);
      deploying.forEach((service, deployment) -> {
        if (deployment.succeeded()) {
          running.put(service, verticles.get(service));
          ids.put(service, deployment.result());
        }
      });
      DemoServices demo = new DemoServices(host, vertx, running, ids, all);
      if (done.succeeded()) {
        return Future.succeededFuture(demo);
      }
      return demo.close().transform(closed -> Future.failedFuture(done.cause()));
    });
  }

  /** Starts every service on its default port plus {@code portOffset} (0 for the defaults). */
  public static Future<DemoServices> startAll(Vertx vertx, int portOffset) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (DemoService service : DemoService.values()) {
      ports.put(service.serviceName(), service.defaultPort() + portOffset);
    }
    return start(vertx, ports);
  }

  /** The services running, in declaration order. */
  public Set<DemoService> services() {
    return running.keySet();
  }

  /** The port the service actually bound. */
  public int port(String service) {
    return verticle(service).port();
  }

  /** The service's base URL, e.g. {@code http://127.0.0.1:7101}; a wildcard bind gives 127.0.0.1. */
  public String url(String service) {
    return baseUrl(host, port(service));
  }

  /**
   * The base URL clients reach a server bound to {@code host} and {@code port} by:
   * {@code http://<host>:<port>}, with 127.0.0.1 for a wildcard bind (0.0.0.0 or ::) and an IPv6
   * address in brackets.
   */
  public static String baseUrl(String host, int port) {
    String address = host.equals("0.0.0.0") || host.equals("::") ? DEFAULT_HOST : host;
    if (address.contains(":")) {
      address = "[" + address + "]";
    }
    return "http://" + address + ":" + port;
  }

  /** The request statistics of the service, the same as its {@code GET /_admin/stats}. */
  public RequestStats stats(String service) {
    return verticle(service).kit().stats();
  }

  /**
   * The statistics of all services started together: every request counted once, by
   * {@code /<service><path>}, and the peak number in flight across services (a composed request's
   * parallel parts show up here together).
   */
  public RequestStats allStats() {
    return all;
  }

  /** The fault rules of the service, the same as its {@code /_admin/faults}. */
  public FaultInjector faults(String service) {
    return verticle(service).kit().faults();
  }

  /**
   * The running identity service: its issuer (the same as {@code url("identity")}) and its keys,
   * to rotate them from Java.
   *
   * @throws IllegalArgumentException when the identity service is not running
   */
  public IdentityService identity() {
    return (IdentityService) verticle(DemoService.IDENTITY.serviceName()).routes();
  }

  /** Stops every service, closing its server and the connections still open. */
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    deployments.values().forEach(id -> closing.add(vertx.undeploy(id)));
    return Future.join(closing).mapEmpty();
  }

  /** The shutdown hook of {@link #main}: stop the services, then Vert.x, within five seconds. */
  private void stop() {
    try {
      close().transform(v -> vertx.close()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      LOG.info("demo services stopped");
    } catch (Exception e) {
      LOG.warn("demo services did not stop cleanly: {}", e.toString());
    }
  }

  private ServiceVerticle verticle(String service) {
    ServiceVerticle verticle = running.get(DemoService.byName(service));
    if (verticle == null) {
      throw new IllegalArgumentException("service '" + service + "' is not running");
    }
    return verticle;
  }
}
