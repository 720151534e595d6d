package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BffUnderTest.Response;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The admin API: {@code /admin/routes} lists the effective routes and endpoints with their
 * policies, {@code /admin/config} shows the configuration with every secret redacted, and
 * {@code server.admin-token} guards everything but {@code /health/*}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class AdminApiTest {
  static final String TOKEN = "adm-7c1f0e9b2a4d6e8f1a3c5b7d";
  static final String API_KEY = "ak_admin_test_acme_41c9e2f7";
  static final String HS_SECRET = "hs-secret-0f9e8d7c6b5a49382716a5b4c3d2e1f0";
  static final String REDIS_PASSWORD = "r3dis-pa55-9a8b7c";
  static final String OTLP_KEY = "otlp-api-key-5e4d3c2b1a";
  static final String UPSTREAM_SECRET = "Bearer upstream-svc-token-6f5e4d";

  FakeUpstream svc;
  BffUnderTest bff;
  TestClient admin;
  String sha;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    svc = FakeUpstream.start(vertx, "svc");
    sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(API_KEY.getBytes(StandardCharsets.UTF_8)));
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, admin-host: 127.0.0.1, instances: 1, admin-token: "%s" }
        redis: { url: "redis://:%s@127.0.0.1:1" }
        tracing: { otlp: { endpoint: "http://127.0.0.1:1/v1/traces", headers: { x-honeycomb-team: "%s" } } }
        auth:
          default: public
          jwt:
            issuers:
              - { issuer: https://idp.test, keys: [ { alg: HS256, secret: "%s" } ] }
          api-keys:
            keys:
              - { id: acme-1, sha256: "%s", partner: acme }
        upstreams:
          svc: { instances: ["${SVC}"], response-timeout: 2s }
        rate-limits:
          policies:
            per-ip: { key: ip, rate: 100/m }
        routes:
          - { id: products, path: "/api/products/**", upstream: svc, strip-prefix: /api, methods: [GET],
              rate-limit: [per-ip], cache: { ttl: 30s, stale-if-error: 5m },
              request-headers: { set: { Authorization: "%s", X-Tenant: shop } } }
          - { id: orders, path: "/api/orders", upstream: svc, auth: api-key, methods: [POST],
              body-check: { max-size: 64KB } }
        endpoints:
          page:
            path: /page/:id
            deadline: 800ms
            cache: { ttl: 10s }
            parts:
              product: { upstream: svc, path: "/products/{id}", required: true }
              reviews: { upstream: svc, path: "/reviews/{id}", timeout: 200ms, needs: [product] }
        """.formatted(TOKEN, REDIS_PASSWORD, OTLP_KEY, HS_SECRET, sha, UPSTREAM_SECRET), Map.of("SVC", svc.url()));
    admin = TestClient.of(vertx, bff.adminPort());
  }

  @AfterEach
  void stop() {
    admin.close();
    bff.close();
    svc.close();
  }

  Response authorized(String path) {
    return admin.get(path, Map.of("Authorization", "Bearer " + TOKEN));
  }

  @Test
  void routesListsEachRouteAndEndpointWithItsPolicies() {
    Response r = authorized("/admin/routes");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).isEqualTo("application/json");
    JsonObject body = r.json();
    JsonArray routes = body.getJsonArray("routes");
    assertThat(routes).hasSize(2);
    JsonObject products = routes.getJsonObject(0);
    assertThat(products.getString("id")).isEqualTo("products");
    assertThat(products.getString("path")).isEqualTo("/api/products/**");
    assertThat(products.getJsonArray("methods")).containsExactly("GET");
    assertThat(products.getString("upstream")).isEqualTo("svc");
    assertThat(products.getString("strip-prefix")).isEqualTo("/api");
    assertThat(products.getString("auth")).isEqualTo("public");
    JsonObject limit = products.getJsonArray("rate-limit").getJsonObject(0);
    assertThat(limit.getString("name")).isEqualTo("per-ip");
    assertThat(limit.encode()).contains("100").contains("1m");
    JsonObject cache = products.getJsonObject("cache");
    assertThat(cache.getString("ttl")).isEqualTo("30s");
    assertThat(cache.getString("stale-if-error")).isEqualTo("5m");
    assertThat(products.getValue("body-check")).isNull();
    JsonObject orders = routes.getJsonObject(1);
    assertThat(orders.getString("auth")).isEqualTo("api-key");
    assertThat(orders.getJsonArray("methods")).containsExactly("POST");
    assertThat(orders.getJsonObject("body-check").getLong("max-size")).isEqualTo(64 * 1024);
    assertThat(orders.getValue("cache")).isNull();
    assertThat(orders.getJsonArray("rate-limit")).isEmpty();

    JsonObject page = body.getJsonArray("endpoints").getJsonObject(0);
    assertThat(page.getString("id")).isEqualTo("page");
    assertThat(page.getString("kind")).isEqualTo("composed");
    assertThat(page.getString("path")).isEqualTo("/page/:id");
    assertThat(page.getJsonArray("methods")).containsExactly("GET", "HEAD");
    assertThat(page.getString("deadline")).isEqualTo("800ms");
    assertThat(page.getJsonObject("cache").getString("ttl")).isEqualTo("10s");
    JsonArray parts = page.getJsonArray("parts");
    assertThat(parts.getJsonObject(0).getString("name")).isEqualTo("product");
    assertThat(parts.getJsonObject(0).getBoolean("required")).isTrue();
    assertThat(parts.getJsonObject(1).getString("timeout")).isEqualTo("200ms");
    assertThat(parts.getJsonObject(1).getJsonArray("needs")).containsExactly("product");
    assertThat(r.body().toString()).doesNotContain(UPSTREAM_SECRET);
  }

  @Test
  void configShowsEverySectionWithSecretsRedacted() {
    Response r = authorized("/admin/config");
    assertThat(r.status()).isEqualTo(200);
    String text = r.body().toString();
    for (String secret : List.of(TOKEN, HS_SECRET, REDIS_PASSWORD, OTLP_KEY, UPSTREAM_SECRET, sha, API_KEY,
        "upstream-svc-token")) {
      assertThat(text).as("the secret " + secret).doesNotContain(secret);
    }
    JsonObject body = r.json();
    assertThat(body.getString("source")).isNotBlank();
    assertThat(body.getString("loaded-at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    JsonObject c = body.getJsonObject("config");
    assertThat(c.fieldNames()).contains("server", "upstreams", "routes", "endpoints", "auth", "redis", "rate-limits",
        "cache", "metrics", "tracing");
    assertThat(c.getJsonObject("server").getString("admin-token")).isEqualTo("<redacted>");
    assertThat(c.getJsonObject("server").getString("admin-host")).isEqualTo("127.0.0.1");
    assertThat(c.getJsonObject("redis").getString("url")).isEqualTo("redis://<redacted>@127.0.0.1:1");
    assertThat(c.getJsonObject("tracing").getJsonObject("otlp").getJsonObject("headers").getString("x-honeycomb-team"))
        .isEqualTo("<redacted>");
    JsonObject key = c.getJsonObject("auth").getJsonObject("api-keys").getJsonArray("keys").getJsonObject(0);
    assertThat(key.getString("id")).as("keys are shown by id").isEqualTo("acme-1");
    assertThat(key.getString("partner")).isEqualTo("acme");
    assertThat(key.getString("sha256")).isEqualTo("<redacted>");
    JsonObject hs = c.getJsonObject("auth").getJsonObject("jwt").getJsonArray("issuers").getJsonObject(0)
        .getJsonArray("keys").getJsonObject(0);
    assertThat(hs.getString("alg")).isEqualTo("HS256");
    assertThat(hs.getString("secret")).isEqualTo("<redacted>");
    assertThat(c.getJsonObject("upstreams").getJsonObject("svc").getJsonArray("instances")).containsExactly(svc.url());
    assertThat(c.getJsonArray("routes").getJsonObject(0).getJsonObject("request-headers").getJsonObject("set"))
        .isEqualTo(new JsonObject().put("Authorization", "<redacted>").put("X-Tenant", "shop"));
  }

  @Test
  void everyAdminPathAndMetricsNeedTheTokenButHealthDoesNot() {
    for (String path : List.of("/admin/routes", "/admin/config", "/admin/upstreams", "/admin/cache", "/admin/dashboard",
        "/metrics")) {
      Response none = admin.get(path);
      assertThat(none.status()).as(path).isEqualTo(401);
      assertThat(none.header("content-type")).startsWith("application/problem+json");
      assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
      assertThat(admin.get(path, Map.of("Authorization", "Bearer " + TOKEN + "x")).status()).as(path).isEqualTo(401);
      assertThat(admin.get(path, Map.of("Authorization", "Bearer wrong")).status()).as(path).isEqualTo(401);
      assertThat(admin.get(path, Map.of("Authorization", TOKEN)).status()).as("no Bearer scheme").isEqualTo(401);
      assertThat(authorized(path).status()).as(path).isEqualTo(200);
    }
    assertThat(admin.get("/admin/routes", Map.of("Authorization", "bearer " + TOKEN)).status())
        .as("the scheme is case-insensitive").isEqualTo(200);
    assertThat(admin.get("/health/live").status()).isEqualTo(200);
    assertThat(admin.get("/health/ready").status()).isEqualTo(200);
    assertThat(admin.get("/admin/cache/purge").status()).as("unknown paths are not revealed either").isEqualTo(401);
    assertThat(admin.get("/admin/../metrics").status()).as("a dot-segment does not slip past").isEqualTo(401);
  }

  @Test
  void theDashboardPageIsOpenButItsDataNeedsTheToken() {
    Response page = admin.get("/dashboard");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("content-type")).startsWith("text/html");
    assertThat(page.body().toString()).contains("/admin/dashboard", "Bearer ").doesNotContain(TOKEN);
    assertThat(admin.get("/dashboard/../admin/config").status()).as("only the page itself is open").isEqualTo(401);
    assertThat(admin.get("/dashboardx").status()).isEqualTo(401);
    JsonObject data = authorized("/admin/dashboard").json();
    assertThat(data.getJsonArray("routes")).isNotEmpty();
    assertThat(data.getJsonObject("upstreams").getJsonObject("svc")).isNotNull();
  }

  @Test
  void withoutATokenTheAdminApiIsOpenAndANonLoopbackBindIsWarnedAbout(Vertx vertx) {
    Logger log = (Logger) LoggerFactory.getLogger(AdminServer.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    log.addAppender(events);
    try (BffUnderTest open = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, admin-host: 0.0.0.0, instances: 1 }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { id: all, path: "/api/**", upstream: svc }
        """, Map.of("SVC", svc.url())); TestClient c = TestClient.of(vertx, open.adminPort())) {
      assertThat(c.get("/admin/routes").status()).isEqualTo(200);
      assertThat(c.get("/admin/config").json().getJsonObject("config").getJsonObject("server").getValue("admin-token"))
          .isNull();
      assertThat(events.list).anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
          && e.getFormattedMessage().contains("0.0.0.0") && e.getFormattedMessage().contains("admin-token"));
    } finally {
      log.detachAppender(events);
    }
    assertThat(events.list).as("one warning, at start-up").hasSize(1);
    assertThat(AdminServer.loopback("127.0.0.1")).isTrue();
    assertThat(AdminServer.loopback("[::1]")).isTrue();
    assertThat(AdminServer.loopback("localhost")).isTrue();
    assertThat(AdminServer.loopback("0.0.0.0")).isFalse();
    assertThat(AdminServer.loopback("10.0.0.5")).isFalse();
  }
}
