package dev.bff.common.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Composed endpoints through a real gateway: fan-out, needs, timeouts, deadline, degradation. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class CompositionTest {
  /** Per path prefix, how the fake services misbehave; absent means answer normally. */
  final Map<String, Handler<HttpServerRequest>> faults = new ConcurrentHashMap<>();
  Vertx vertx;
  FakeUpstream svc;
  BffUnderTest bff;

  static final class PageBff implements BffModule {
    @Override
    public String name() {
      return "page-bff";
    }

    @Override
    public void endpoints(Endpoints e) {
      e.get("page", "/page/:id", Composition.of(
          Part.required("product", "catalog", (u, c) -> u.getJson("/products/" + c.param("id"))),
          Part.optional("reviews", "reviews", (u, c) -> u.getJson("/reviews/" + c.param("id")))
              .timeout(Duration.ofMillis(300)).fallback(new JsonObject().put("count", 0)),
          Part.optional("stock", "inventory", (u, c) -> u.getJson("/stock/" + c.param("id"))).fallbackToLastGood(),
          Part.optional("related", "recs",
              (u, c) -> u.getJson("/recs?category=" + c.json("product").getString("category")))
              .needs("product")));
    }
  }

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    svc = FakeUpstream.start(vertx, "svc").handler(this::answer);
    bff = BffUnderTest.start(vertx, new PageBff(), """
        server: { port: 0, admin-port: 0, instances: 1 }
        upstreams:
          catalog:   { instances: ["${SVC}"], response-timeout: 10s, retry: { attempts: 0 } }
          reviews:   { instances: ["${SVC}"], response-timeout: 10s, retry: { attempts: 0 } }
          inventory: { instances: ["${SVC}"], response-timeout: 10s, retry: { attempts: 0 } }
          recs:      { instances: ["${SVC}"], response-timeout: 10s, retry: { attempts: 0 } }
        endpoints:
          page: { deadline: 1s }
        """, Map.of("SVC", svc.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
  }

  private void answer(HttpServerRequest req) {
    String path = req.path();
    for (Map.Entry<String, Handler<HttpServerRequest>> f : faults.entrySet()) {
      if (path.startsWith(f.getKey())) {
        f.getValue().handle(req);
        return;
      }
    }
    respond(req);
  }

  /** The normal answer, whatever the faults. */
  private void respond(HttpServerRequest req) {
    String path = req.path();
    JsonObject body;
    if (path.startsWith("/products/")) {
      body = new JsonObject().put("id", path.substring(10)).put("name", "Lamp").put("category", "home");
    } else if (path.startsWith("/reviews/")) {
      body = new JsonObject().put("count", 3);
    } else if (path.startsWith("/stock/")) {
      body = new JsonObject().put("quantity", 5);
    } else {
      body = new JsonObject().put("items", new JsonArray().add("8").add("9")).put("category", req.getParam("category"));
    }
    req.response().putHeader("content-type", "application/json").end(body.encode());
  }

  private Handler<HttpServerRequest> delayed(long ms) {
    return req -> vertx.setTimer(ms, t -> {
      faults.remove(req.path().substring(0, req.path().indexOf('/', 1) + 1));
      answer(req);
    });
  }

  private static final Handler<HttpServerRequest> HANG = req -> { };
  private static final Handler<HttpServerRequest> ERROR = req -> req.response().setStatusCode(500).end("{}");
  private static final Handler<HttpServerRequest> RESET = req -> req.connection().close();

  @Test
  void allPartsAnsweredGiveTheComposedBodyWithoutDegradation() {
    var r = bff.get("/page/7");
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.getJsonObject("product").getString("id")).isEqualTo("7");
    assertThat(body.getJsonObject("reviews").getInteger("count")).isEqualTo(3);
    assertThat(body.getJsonObject("stock").getInteger("quantity")).isEqualTo(5);
    assertThat(body.getJsonObject("related").getString("category")).as("built from the product").isEqualTo("home");
    assertThat(body.containsKey("_meta")).isFalse();
    assertThat(r.header(Degradation.HEADER)).isNull();
    assertThat(r.header("server-timing"))
        .matches("product;dur=\\d+\\.\\d;desc=\"ok\", reviews;dur=\\d+\\.\\d;desc=\"ok\", "
            + "stock;dur=\\d+\\.\\d;desc=\"ok\", related;dur=\\d+\\.\\d;desc=\"ok\"");
  }

  @Test
  void independentPartsAreInFlightTogether() {
    faults.put("/products/", delayed(200));
    faults.put("/reviews/", delayed(200));
    faults.put("/stock/", delayed(200));
    var r = bff.get("/page/1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(svc.peakInFlight()).as("product, reviews and stock at once").isGreaterThanOrEqualTo(3);
    String recs = svc.seen().stream().filter(s -> s.uri().startsWith("/recs")).findFirst().orElseThrow().uri();
    assertThat(recs).isEqualTo("/recs?category=home");
  }

  @Test
  void anOptionalPartThatErrorsIsReplacedByItsFallback() {
    faults.put("/reviews/", ERROR);
    var r = bff.get("/page/1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header(Degradation.HEADER)).isEqualTo("reviews=error");
    assertThat(r.json().getJsonObject("reviews").getInteger("count")).isZero();
    JsonObject meta = r.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0);
    assertThat(meta.getString("part")).isEqualTo("reviews");
    assertThat(meta.getString("reason")).isEqualTo("error");
    assertThat(meta.getString("served")).isEqualTo("fallback");
    assertThat(r.header("server-timing")).contains("reviews;dur=").contains("desc=\"error\"");
  }

  @Test
  void anOptionalPartSlowerThanItsTimeoutFallsBackWithReasonTimeout() {
    faults.put("/reviews/", delayed(800));
    long start = System.nanoTime();
    var r = bff.get("/page/1");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header(Degradation.HEADER)).isEqualTo("reviews=timeout");
    assertThat(r.json().getJsonObject("reviews").getInteger("count")).isZero();
    assertThat(ms).as("not before the part's timeout").isGreaterThanOrEqualTo(280L);
  }

  @Test
  void anOptionalPartWithoutFallbackIsOmittedWhenItResets() {
    faults.put("/stock/", RESET);
    var r = bff.get("/page/1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().containsKey("stock")).isFalse();
    assertThat(r.header(Degradation.HEADER)).isEqualTo("stock=error");
    JsonObject meta = r.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0);
    assertThat(meta.getString("served")).isEqualTo("omitted");
  }

  @Test
  void aHangingOptionalPartIsCutAtTheDeadlineAndTheRestIsServed() {
    faults.put("/stock/", HANG);
    faults.put("/reviews/", HANG);
    long start = System.nanoTime();
    var r = bff.get("/page/1");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header(Degradation.HEADER)).isEqualTo("reviews=timeout, stock=timeout");
    assertThat(r.json().getJsonObject("product")).isNotNull();
    assertThat(ms).as("stock has no timeout of its own: the deadline cuts it").isGreaterThanOrEqualTo(900L);
    assertThat(r.body().toString()).doesNotContain("127.0.0.1");
  }

  @Test
  void theDeadlineCutsADependentChain() {
    faults.put("/products/", delayed(700));
    faults.put("/recs", delayed(600));
    var r = bff.get("/page/1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getJsonObject("product")).isNotNull();
    assertThat(r.json().containsKey("related")).isFalse();
    assertThat(r.header(Degradation.HEADER)).isEqualTo("related=timeout");
  }

  @Test
  void whenARequiredPartFailsThePartsStillRunningHaveTheirUpstreamRequestsClosed() {
    io.vertx.core.Promise<Void> stockClosed = io.vertx.core.Promise.promise();
    faults.put("/stock/", req -> req.connection().closeHandler(v -> stockClosed.tryComplete()));
    faults.put("/products/", req -> vertx.setTimer(100, t -> req.response().setStatusCode(500).end("{}")));
    var r = bff.get("/page/1");
    assertThat(r.status()).isEqualTo(502);
    stockClosed.future().timeout(5, java.util.concurrent.TimeUnit.SECONDS).await();
  }

  @Test
  void callsTheGatewayCancelsItselfDoNotCountAgainstTheInstance() {
    BffUnderTest strict = BffUnderTest.start(vertx, new PageBff(), """
        server: { port: 0, admin-port: 0, instances: 1 }
        upstreams:
          catalog:   { instances: ["${SVC}"], retry: { attempts: 0 } }
          reviews:   { instances: ["${SVC}"] }
          inventory: { instances: ["${SVC}"], outlier: { consecutive-failures: 1, max-ejected-percent: 100 } }
          recs:      { instances: ["${SVC}"] }
        endpoints:
          page: { deadline: 2s }
        """, Map.of("SVC", svc.url()));
    try (var admin = dev.bff.common.testing.TestClient.of(vertx, strict.adminPort())) {
      faults.put("/stock/", HANG);
      faults.put("/products/", req -> vertx.setTimer(50, t -> req.response().setStatusCode(500).end("{}")));
      for (int i = 0; i < 3; i++) {
        assertThat(strict.get("/page/" + i).status()).isEqualTo(502); // each cancels its hanging stock call
      }
      faults.clear();
      JsonObject inventory = admin.get("/admin/upstreams").json().getJsonObject("inventory");
      assertThat(inventory.getJsonArray("instances").getJsonObject(0).getBoolean("ejected")).isFalse();
      assertThat(strict.get("/page/9").json().getJsonObject("stock").getInteger("quantity")).isEqualTo(5);
    } finally {
      strict.close();
    }
  }

  @Test
  void aPartCutByTheDeadlineHasItsUpstreamRequestClosed() {
    io.vertx.core.Promise<Void> stockClosed = io.vertx.core.Promise.promise();
    faults.put("/stock/", req -> req.connection().closeHandler(v -> stockClosed.tryComplete()));
    var r = bff.get("/page/1");
    assertThat(r.header(Degradation.HEADER)).as("%d %s", r.status(), r.body()).isEqualTo("stock=timeout");
    stockClosed.future().timeout(5, java.util.concurrent.TimeUnit.SECONDS).await();
  }

  @Test
  void aFailingRequiredPartFailsTheEndpointNamingThePart() {
    faults.put("/products/", ERROR);
    var r = bff.get("/page/1");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("'product'");
    assertThat(svc.seen()).noneMatch(s -> s.uri().startsWith("/recs"));
  }

  @Test
  void aRequiredPartThatTimesOutIs504AndOneThatIsNotFoundIs404() {
    faults.put("/products/", HANG);
    var timeout = bff.get("/page/1");
    assertThat(timeout.status()).isEqualTo(504);
    assertThat(timeout.json().getString("detail")).contains("'product'");
    faults.put("/products/", req -> req.response().setStatusCode(404).end("{}"));
    assertThat(bff.get("/page/2").status()).isEqualTo(404);
  }

  @Test
  void identicalConcurrentRequestsShareOneUpstreamCallPerPartAcrossEventLoops() {
    BffUnderTest two = BffUnderTest.start(vertx, new PageBff(), """
        server: { port: 0, admin-port: 0, instances: 2 }
        upstreams:
          catalog:   { instances: ["${SVC}"] }
          reviews:   { instances: ["${SVC}"] }
          inventory: { instances: ["${SVC}"] }
          recs:      { instances: ["${SVC}"] }
        endpoints:
          page: { deadline: 3s }
        """, Map.of("SVC", svc.url()));
    try {
      // every call answers slowly, so all 50 pages are in flight together, and so are their
      // dependent recs calls once the one shared product call is back
      Handler<HttpServerRequest> slow = req -> vertx.setTimer(600, t -> respond(req));
      for (String p : new String[] {"/products/", "/reviews/", "/stock/", "/recs"}) {
        faults.put(p, slow);
      }
      java.util.List<io.vertx.core.Future<BffUnderTest.Response>> all = new java.util.ArrayList<>();
      java.util.List<dev.bff.common.testing.TestClient> clients = new java.util.ArrayList<>();
      for (int i = 0; i < 50; i++) { // one connection each, so both event loops get some
        var c = dev.bff.common.testing.TestClient.of(vertx, two.port());
        clients.add(c);
        all.add(c.sendAsync(io.vertx.core.http.HttpMethod.GET, "/page/42", Map.of(), null));
      }
      dev.bff.common.testing.TestClient.await(io.vertx.core.Future.all(all), "50 pages");
      String first = all.get(0).result().body().toString();
      for (var f : all) {
        assertThat(f.result().status()).isEqualTo(200);
        assertThat(f.result().body().toString()).isEqualTo(first);
      }
      assertThat(svc.seen()).filteredOn(s -> s.uri().equals("/products/42")).hasSize(1);
      assertThat(svc.seen()).filteredOn(s -> s.uri().equals("/reviews/42")).hasSize(1);
      assertThat(svc.seen()).filteredOn(s -> s.uri().equals("/stock/42")).hasSize(1);
      assertThat(svc.seen()).filteredOn(s -> s.uri().startsWith("/recs")).hasSize(1);
      clients.forEach(dev.bff.common.testing.TestClient::close);
    } finally {
      two.close();
    }
  }

  @Test
  void aFailingPartServesItsLastGoodValueForTheSameRequestAsStale() {
    assertThat(bff.get("/page/3").json().getJsonObject("stock").getInteger("quantity")).isEqualTo(5);
    faults.put("/stock/", ERROR);
    var stale = bff.get("/page/3");
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.json().getJsonObject("stock").getInteger("quantity")).isEqualTo(5);
    assertThat(stale.header(Degradation.HEADER)).isEqualTo("stock=error");
    JsonObject meta = stale.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0);
    assertThat(meta.getString("served")).isEqualTo("stale");
    var never = bff.get("/page/4");
    assertThat(never.json().containsKey("stock")).as("no last good value for another product").isFalse();
  }

  @Test
  void compositionsAreCheckedWhenDeclared() {
    PartCall any = (u, c) -> u.getJson("/");
    assertThatThrownBy(() -> Composition.of(Part.required("a", "x", any), Part.optional("a", "x", any)))
        .hasMessageContaining("declared twice");
    assertThatThrownBy(() -> Composition.of(Part.required("a", "x", any).needs("b")))
        .hasMessageContaining("unknown part 'b'");
    assertThatThrownBy(() -> Composition.of(Part.optional("a", "x", any).needs("b"),
        Part.optional("b", "x", any).needs("a")))
        .hasMessageContaining("cycle");
    assertThatThrownBy(() -> Part.required("a", "x", any).fallback(1)).hasMessageContaining("required");
    assertThatThrownBy(() -> Part.required("a", "x", any).fallbackToLastGood()).hasMessageContaining("required");
  }

  @Test
  void slowAndDegradedRunsAreKeptWithEachPartsStartAndEnd() {
    SlowCompositions slow = bff.running().gateway().slowCompositions();
    assertThat(bff.get("/page/1").status()).as("fast and complete: not kept").isEqualTo(200);
    assertThat(slow.toJson().getLong("recorded")).isZero();

    faults.put("/products/", delayed(150)); // related needs product: it starts once product is done
    faults.put("/reviews/", ERROR);
    assertThat(bff.get("/page/2").status()).isEqualTo(200);
    JsonObject kept = slow.toJson();
    assertThat(kept.getLong("thresholdMs")).isEqualTo(100);
    JsonObject run = kept.getJsonArray("requests").getJsonObject(0);
    assertThat(run.getString("endpoint")).isEqualTo("page");
    assertThat(run.getString("result")).isEqualTo("degraded");
    assertThat(run.getDouble("ms")).isGreaterThanOrEqualTo(150);
    Map<String, JsonObject> parts = new java.util.HashMap<>();
    run.getJsonArray("parts").forEach(p -> parts.put(((JsonObject) p).getString("part"), (JsonObject) p));
    assertThat(parts.keySet()).containsExactlyInAnyOrder("product", "reviews", "stock", "related");
    assertThat(parts.get("product").getDouble("startMs")).isLessThan(50);
    assertThat(parts.get("product").getDouble("endMs")).isGreaterThanOrEqualTo(150);
    assertThat(parts.get("related").getDouble("startMs")).isGreaterThanOrEqualTo(parts.get("product").getDouble("endMs"));
    assertThat(parts.get("reviews").getString("outcome")).isEqualTo("error");
    assertThat(parts.get("reviews").getString("served")).isEqualTo("fallback");
    assertThat(parts.get("product").getString("outcome")).isEqualTo("ok");
  }
}
