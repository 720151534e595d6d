package dev.bff.web.reliability;

import dev.bff.common.testing.DemoStack;
import dev.bff.common.testing.TestNginx;
import dev.bff.common.testing.TestRedis;
import dev.bff.demo.DemoServices;
import dev.bff.demo.FaultInjector;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Everything the scenario runs on: the demo services in this JVM plus a second catalog instance that
 * can be removed and added back, a wire-recording upstream in place of the echo service, a real
 * Redis, two bff-web replicas in child JVMs sharing it, and nginx in front of them. Closing stops
 * every process that was started, in reverse order, whatever failed.
 */
final class Stack implements AutoCloseable {
  /** Users whose tokens the authenticated requests carry. */
  static final int USERS = 20;

  final Vertx vertx;
  final Profile profile;
  private final List<AutoCloseable> started = new ArrayList<>();
  DemoStack demo;
  TestRedis redis;
  WireRecorder recorder;
  Replica a;
  Replica b;
  TestNginx lb;
  GatewayYaml yamlA;
  GatewayYaml yamlB;
  List<String> tokens;
  private DemoServices catalogB;
  private int catalogBPort;

  private Stack(Vertx vertx, Profile profile) {
    this.vertx = vertx;
    this.profile = profile;
  }

  static Stack start(Vertx vertx, Profile profile) {
    Stack s = new Stack(vertx, profile);
    try {
      s.boot();
      return s;
    } catch (RuntimeException | Error e) {
      s.close();
      throw e;
    }
  }

  private void boot() {
    redis = TestRedis.start();
    started.add(redis);
    demo = DemoStack.start(vertx);
    started.add(demo);
    catalogB = DemoServices.start(vertx, Map.of("catalog", 0)).await();
    catalogBPort = catalogB.port("catalog");
    started.add(() -> catalogB.close().await());
    recorder = WireRecorder.start(vertx);
    started.add(recorder);
    yamlA = yaml(freePort(), freePort());
    yamlB = yaml(freePort(), freePort());
    CompletableFuture<Replica> startA = CompletableFuture.supplyAsync(() -> Replica.start("a", yamlA.text()));
    CompletableFuture<Replica> startB = CompletableFuture.supplyAsync(() -> Replica.start("b", yamlB.text()));
    try {
      a = startA.join();
    } finally {
      started.add(() -> {
        if (a != null) {
          a.close();
        }
      });
      b = startB.join();
      started.add(b);
    }
    lb = TestNginx.start(List.of(a.port(), b.port()), profile.failTimeoutSeconds());
    started.add(lb);
    tokens = new ArrayList<>();
    for (int u = 1; u <= USERS; u++) {
      tokens.add(token(new JsonObject().put("sub", "u" + u).put("aud", "bff-web").put("ttlSeconds", 86_400)));
    }
  }

  private GatewayYaml yaml(int port, int adminPort) {
    Map<String, String> vars = new HashMap<>(demo.vars());
    vars.put("BFF_WEB_PORT", String.valueOf(port));
    vars.put("BFF_WEB_ADMIN_PORT", String.valueOf(adminPort));
    vars.put("REDIS_URL", redis.url());
    vars.put("BFF_RATE_LIMIT_STORE", "redis");
    vars.put("BFF_CACHE_STORE", "redis");
    vars.put("BFF_REPLICAS", "2");
    vars.put("BFF_VISITOR_RATE", "100000/s"); // the load is one visitor (nginx's address): never limited
    vars.put("BFF_VISITOR_BURST", "100000");
    vars.put("ECHO_URL", recorder.url());
    return GatewayYaml.of(vars, List.of(demo.services().url("catalog"), "http://127.0.0.1:" + catalogBPort),
        profile.idleTimeout().toSeconds() + "s");
  }

  /** A token of the demo identity service, asked as a client would: {@code POST /token}. */
  String token(JsonObject request) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(demo.services().url("identity") + "/token"))
          .POST(HttpRequest.BodyPublishers.ofString(request.encode())).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("POST /token answered " + r.statusCode() + ": " + r.body());
      }
      return new JsonObject(r.body()).getString("access_token");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The fault rules of a demo service (for the catalog: both instances). */
  List<FaultInjector> faults(String service) {
    return service.equals("catalog") ? List.of(demo.services().faults("catalog"), catalogB.faults("catalog"))
        : List.of(demo.services().faults(service));
  }

  /** Removes the second catalog instance (its listener and open connections close). */
  void stopCatalogB() {
    catalogB.close().await();
  }

  /** Starts the second catalog instance again, on the port the replicas know it by. */
  void startCatalogB() {
    catalogB = DemoServices.start(vertx, Map.of("catalog", catalogBPort)).await();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        System.err.println("reliability stack: closing " + started.get(i) + " failed: " + e);
      }
    }
    started.clear();
  }
}
