package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Load;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.Scrape;
import dev.bff.common.testing.TestClient;
import dev.bff.common.upstream.UpstreamGroup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Configuration reload ({@code POST /admin/reload}): routes, upstream instances and rate limits
 * change on both event loops without a restart; an invalid file, or one changing what only a
 * restart can, is refused with every problem named (admin answer, log, metric) while the running
 * configuration keeps serving; unchanged upstreams keep their groups and pooled connections; a
 * request in flight finishes on the configuration it started with.
 */
@ExtendWith(VertxExtension.class)
@Timeout(90)
class ReloadTest {
  Vertx vertx;
  FakeUpstream a1;
  FakeUpstream a2;
  FakeUpstream b;
  Path file;
  BffUnderTest bff;
  TestClient admin;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    this.vertx = vertx;
    a1 = FakeUpstream.start(vertx, "a1");
    a2 = FakeUpstream.start(vertx, "a2");
    b = FakeUpstream.start(vertx, "b");
    file = dir.resolve("bff.yaml");
    Files.writeString(file, yaml("${A1}", "100/m", ""));
    bff = BffUnderTest.startFile(vertx, BffUnderTest.TestModule.INSTANCE, file, vars());
    admin = TestClient.of(vertx, bff.adminPort());
  }

  @AfterEach
  void stop() {
    admin.close();
    bff.close();
    a1.close();
    a2.close();
    b.close();
  }

  Map<String, String> vars() {
    return Map.of("A1", a1.url(), "A2", a2.url(), "B", b.url());
  }

  /** Two event loops, upstream {@code a} at {@code instances}, route a limited by {@code rate}, and more routes. */
  static String yaml(String instances, String rate, String moreRoutes) {
    return """
        server: { port: 0, admin-port: 0, instances: 2 }
        upstreams:
          a: { instances: ["%s"], response-timeout: 5s }
          b: { instances: ["${B}"] }
        rate-limits:
          policies:
            everyone: { key: ip, rate: %s }
        routes:
          - { id: a, path: "/a/**", upstream: a, methods: [GET], rate-limit: [everyone] }
          - { id: b, path: "/b/**", upstream: b, methods: [GET] }
        %s
        """.formatted(instances, rate, moreRoutes);
  }

  JsonObject reload() {
    var r = admin.send(HttpMethod.POST, "/admin/reload", Map.of(), null);
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.body().toJsonObject();
  }

  @Test
  void reloadAddsAndRemovesRoutesOnEveryEventLoop() throws Exception {
    assertThat(bff.get("/c/1").status()).isEqualTo(404);
    Files.writeString(file, yaml("${A1}", "100/m", "  - { id: c, path: \"/c/**\", upstream: b, methods: [GET] }")
        .replace("  - { id: b, path: \"/b/**\", upstream: b, methods: [GET] }\n", ""));

    JsonObject out = reload();

    assertThat(out.getString("status")).isEqualTo("reloaded");
    assertThat(out.getInteger("version")).isEqualTo(2);
    JsonObject routes = out.getJsonObject("changes").getJsonObject("routes");
    assertThat(routes.getJsonArray("added")).containsExactly("c");
    assertThat(routes.getJsonArray("removed")).containsExactly("b");
    assertThat(routes.getJsonArray("changed")).isEmpty();
    // new connections land on both event loops: every one serves the new table
    assertThat(Load.get(vertx, bff.port(), "/c/1", 40, 8)).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().getString("name")).isEqualTo("b");
    });
    assertThat(Load.get(vertx, bff.port(), "/b/1", 20, 8)).allSatisfy(r -> assertThat(r.status()).isEqualTo(404));
    assertThat(bff.get("/a/1").json().getString("name")).isEqualTo("a1");

    JsonObject config = admin.get("/admin/config").body().toJsonObject();
    assertThat(config.getInteger("version")).isEqualTo(2);
    assertThat(config.getJsonObject("last-reload").getString("status")).isEqualTo("reloaded");
    assertThat(config.getJsonObject("last-reload").getString("trigger")).isEqualTo("admin");
    assertThat(config.getString("reload-from")).isEqualTo(file.toString());
    JsonArray listed = admin.get("/admin/routes").body().toJsonObject().getJsonArray("routes");
    assertThat(listed.stream().map(x -> ((JsonObject) x).getString("id"))).containsExactly("a", "c");
    Scrape m = Scrape.of(bff);
    assertThat(m.value("bff_config_reloads_total", "outcome", "reloaded")).isEqualTo(1.0);
    assertThat(m.value("bff_config_version")).isEqualTo(2.0);
    assertThat(m.value("bff_config_last_reload_failed")).isEqualTo(0.0);
  }

  @Test
  void anInvalidFileIsRefusedAndTheRunningConfigurationStays() throws Exception {
    Logger log = (Logger) LoggerFactory.getLogger(Reloader.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    log.addAppender(events);
    try {
      Files.writeString(file, "upstreams: [ not: yaml");
      var broken = admin.send(HttpMethod.POST, "/admin/reload", Map.of(), null);
      assertThat(broken.status()).isEqualTo(422);
      assertThat(broken.header("content-type")).isEqualTo("application/problem+json");
      JsonObject p = broken.body().toJsonObject();
      assertThat(p.getInteger("version")).isEqualTo(1);
      assertThat(p.getJsonArray("problems").getJsonObject(0).getString("message")).contains("is not valid YAML");

      // valid YAML, wrong in two places: both named, nothing applied
      Files.writeString(file, yaml("${A1}", "100/m",
          "  - { id: c, path: \"/c/**\", upstream: nowhere, methods: [GET] }\n"
              + "  - { id: d, path: \"/d/**\", upstream: b, rate-limit: [nobody] }"));
      var wrong = admin.send(HttpMethod.POST, "/admin/reload", Map.of(), null);
      assertThat(wrong.status()).isEqualTo(422);
      String problems = wrong.body().toJsonObject().getJsonArray("problems").encode();
      assertThat(problems).contains("nowhere").contains("nobody");

      assertThat(bff.get("/a/1").status()).isEqualTo(200);
      assertThat(bff.get("/b/1").status()).isEqualTo(200);
      assertThat(bff.get("/c/1").status()).isEqualTo(404);
      assertThat(bff.running().gateway().version()).isEqualTo(1);
      Scrape m = Scrape.of(bff);
      assertThat(m.value("bff_config_reloads_total", "outcome", "failed")).isEqualTo(2.0);
      assertThat(m.value("bff_config_last_reload_failed")).isEqualTo(1.0);
      JsonObject last = admin.get("/admin/config").body().toJsonObject().getJsonObject("last-reload");
      assertThat(last.getString("status")).isEqualTo("failed");
      assertThat(last.getJsonArray("problems").encode()).contains("nowhere");
      assertThat(events.list).anySatisfy(e -> {
        assertThat(e.getLevel()).isEqualTo(Level.ERROR);
        assertThat(e.getFormattedMessage()).contains("refused, version 1 stays").contains("nowhere");
      });

      Files.writeString(file, yaml("${A1}", "100/m", "  - { id: c, path: \"/c/**\", upstream: b }"));
      assertThat(reload().getInteger("version")).isEqualTo(2);
      assertThat(bff.get("/c/1").status()).isEqualTo(200);
      assertThat(Scrape.of(bff).value("bff_config_last_reload_failed")).isEqualTo(0.0);
    } finally {
      log.detachAppender(events);
    }
  }

  @Test
  void changesOnlyARestartCanMakeAreRefusedByName() throws Exception {
    Files.writeString(file, yaml("${A1}", "100/m", "")
        .replace("instances: 2 }", "instances: 3, admin-token: \"0123456789abcdef0123\" }")
        + "tracing: { sample-ratio: 0.5 }\n");
    var r = admin.send(HttpMethod.POST, "/admin/reload", Map.of(), null);
    assertThat(r.status()).isEqualTo(422);
    List<String> paths = r.body().toJsonObject().getJsonArray("problems").stream()
        .map(x -> ((JsonObject) x).getString("path")).toList();
    assertThat(paths).containsExactlyInAnyOrder("server.instances", "server.admin-token", "tracing");
    assertThat(r.body().toString()).doesNotContain("0123456789abcdef0123"); // a secret is named, never shown
    assertThat(admin.get("/admin/config").status()).isEqualTo(200); // still no token: nothing applied
  }

  @Test
  void anUnchangedFileKeepsTheVersion() {
    JsonObject out = reload();
    assertThat(out.getString("status")).isEqualTo("unchanged");
    assertThat(out.getInteger("version")).isEqualTo(1);
    assertThat(Scrape.of(bff).value("bff_config_reloads_total", "outcome", "unchanged")).isEqualTo(1.0);
  }

  @Test
  void unchangedUpstreamsKeepTheirGroupAndPooledConnections() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(bff.get("/a/" + i).status()).isEqualTo(200); // one keep-alive connection, one event loop
    }
    int connections = a1.connections();
    UpstreamGroup groupA = bff.running().gateway().groups().get("a");
    UpstreamGroup groupB = bff.running().gateway().groups().get("b");
    var limits = bff.running().gateway().rateLimits();

    Files.writeString(file, yaml("${A1}", "100/m", "  - { id: c, path: \"/c/**\", upstream: b }")
        .replace("b: { instances: [\"${B}\"] }", "b: { instances: [\"${B}\"], response-timeout: 3s }"));
    JsonObject out = reload();

    assertThat(out.getJsonObject("changes").getJsonObject("upstreams").getJsonArray("changed")).containsExactly("b");
    assertThat(bff.running().gateway().groups().get("a")).isSameAs(groupA);
    assertThat(bff.running().gateway().groups().get("b")).isNotSameAs(groupB);
    assertThat(bff.running().gateway().rateLimits()).isSameAs(limits); // its counters go on
    for (int i = 0; i < 5; i++) {
      assertThat(bff.get("/a/" + i).status()).isEqualTo(200);
    }
    assertThat(a1.connections()).as("the pooled connection to a1 was kept").isEqualTo(connections);
  }

  @Test
  void changedInstancesTakeOverAndARequestInFlightFinishesOnItsConfiguration() throws Exception {
    a1.handler(req -> vertx.setTimer(1500, t -> req.response().end("{\"name\":\"a1-slow\"}")));
    Future<dev.bff.common.testing.BffUnderTest.Response> inFlight = sendAsync("/a/slow");
    Poll.until("the slow request to reach a1", Duration.ofSeconds(10), () -> a1.count() == 1);

    // a moves to a2, and the route the request came through is gone
    Files.writeString(file, yaml("${A2}", "100/m", "  - { id: c, path: \"/c/**\", upstream: a }")
        .replace("  - { id: a, path: \"/a/**\", upstream: a, methods: [GET], rate-limit: [everyone] }\n", ""));
    JsonObject out = reload();
    assertThat(out.getJsonObject("changes").getJsonObject("upstreams").getJsonArray("changed")).containsExactly("a");

    assertThat(bff.get("/c/1").json().getString("name")).isEqualTo("a2");
    assertThat(bff.get("/a/1").status()).isEqualTo(404);
    var answer = TestClient.await(inFlight, "the request in flight");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body().toString()).contains("a1-slow");
  }

  @Test
  void aChangedRateLimitAppliesFromTheNextRequest() throws Exception {
    for (int i = 0; i < 10; i++) {
      assertThat(bff.get("/a/" + i).status()).isEqualTo(200);
    }
    Files.writeString(file, yaml("${A1}", "2/m", ""));
    assertThat(reload().getJsonObject("changes").getJsonArray("sections")).containsExactly("rate-limits");
    int firstRefused = -1;
    for (int i = 0; i < 6 && firstRefused < 0; i++) {
      if (bff.get("/a/" + i).status() == 429) {
        firstRefused = i;
      }
    }
    assertThat(firstRefused).as("the tightened limit refuses within a few requests").isBetween(0, 3);

    Files.writeString(file, yaml("${A1}", "100000/h", ""));
    reload();
    assertThat(bff.get("/a/x").status()).isEqualTo(200);
  }

  @Test
  void aReloadWithoutAFileToReadFailsSayingSo(Vertx vertx) {
    try (BffUnderTest text = BffUnderTest.start(vertx, "routes: []\n", Map.of());
        TestClient textAdmin = TestClient.of(vertx, text.adminPort())) {
      var r = textAdmin.send(HttpMethod.POST, "/admin/reload", Map.of(), null);
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.body().toString()).contains("nothing to reload from");
    }
  }

  @Test
  void lastGoodValuesOutliveAReload(Vertx vertx, @TempDir Path dir) throws Exception {
    Path f = dir.resolve("composed.yaml");
    String base = """
        server: { port: 0, admin-port: 0, instances: 1 }
        upstreams:
          b: { instances: ["${B}"], retry: { attempts: 0 } }
        endpoints:
          page:
            path: /page/:id
            parts:
              stock: { upstream: b, path: "/stock/{id}", fallback: last-good }
        routes:
        """;
    Files.writeString(f, base);
    b.handler(req -> req.response().putHeader("content-type", "application/json").end("{\"quantity\":7}"));
    try (BffUnderTest c = BffUnderTest.startFile(vertx, BffUnderTest.TestModule.INSTANCE, f, vars());
        TestClient cAdmin = TestClient.of(vertx, c.adminPort())) {
      assertThat(c.get("/page/1").json().getJsonObject("stock").getInteger("quantity")).isEqualTo(7);
      Files.writeString(f, base + "  - { id: b, path: \"/b/**\", upstream: b }\n");
      assertThat(cAdmin.send(HttpMethod.POST, "/admin/reload", Map.of(), null).status()).isEqualTo(200);

      b.status(500);
      var r = c.get("/page/1");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().getJsonObject("stock").getInteger("quantity")).as("the value remembered before the reload")
          .isEqualTo(7);
      assertThat(r.header("BFF-Degraded")).contains("stock=");
    }
  }

  @Test
  void aWatchedFileIsReloadedWhenItChanges(Vertx vertx, @TempDir Path dir) throws Exception {
    Path watched = dir.resolve("watched.yaml");
    String base = yaml("${A1}", "100/m", "").replace("instances: 2 }", "instances: 2, watch-config: 200ms }");
    Files.writeString(watched, base);
    try (BffUnderTest w = BffUnderTest.startFile(vertx, BffUnderTest.TestModule.INSTANCE, watched, vars());
        TestClient wAdmin = TestClient.of(vertx, w.adminPort())) {
      assertThat(w.get("/c/1").status()).isEqualTo(404);
      Files.writeString(watched, base + "  - { id: c, path: \"/c/**\", upstream: b }\n");
      Poll.until("the changed file to be served", Duration.ofSeconds(10), () -> w.get("/c/1").status() == 200);
      assertThat(wAdmin.get("/admin/config").body().toJsonObject().getJsonObject("last-reload").getString("trigger"))
          .isEqualTo("file");

      Files.writeString(watched, "routes: [ half-written");
      Poll.until("the broken file to be refused", Duration.ofSeconds(10), () -> "failed".equals(wAdmin
          .get("/admin/config").body().toJsonObject().getJsonObject("last-reload").getString("status")));
      assertThat(w.get("/c/1").status()).isEqualTo(200);
      assertThat(w.running().gateway().version()).isEqualTo(2);
    }
  }

  private Future<BffUnderTest.Response> sendAsync(String uri) {
    io.vertx.core.http.HttpClient c = vertx.createHttpClient();
    return c.request(HttpMethod.GET, bff.port(), "127.0.0.1", uri)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> new BffUnderTest.Response(resp.statusCode(), resp.headers(), body)))
        .andThen(x -> c.close());
  }
}
