package dev.bff.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** CORS, IP allow/deny lists and security response headers, through a real gateway. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class AccessTest {
  Vertx vertx;
  FakeUpstream svc;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    svc = FakeUpstream.start(vertx, "svc").handler(req -> req.response()
        .putHeader("content-type", "application/json")
        .putHeader("Access-Control-Allow-Origin", "*") // a service's own CORS: the gateway's wins
        .putHeader("X-Content-Type-Options", "nosniff")
        .end("{}"));
  }

  @AfterEach
  void stop() {
    if (bff != null) {
      bff.close();
    }
    svc.close();
  }

  private void gateway(String server, String routes) {
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1, %s }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
        %s
        """.formatted(server, routes), Map.of("SVC", svc.url()));
  }

  private static final String CORS = """
      cors: { origins: ["https://shop.example.com"], methods: [GET, POST], headers: [Authorization, Content-Type],
              credentials: true, max-age: 5m }""";

  @Test
  void thePreflightOfAnAllowedOriginIsAnsweredByTheGateway() {
    gateway(CORS, "  - { path: \"/api/**\", upstream: svc }");
    var r = bff.send(HttpMethod.OPTIONS, "/api/orders", Map.of("Origin", "https://shop.example.com",
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type"), null);
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.header("access-control-allow-origin")).isEqualTo("https://shop.example.com");
    assertThat(r.header("access-control-allow-credentials")).isEqualTo("true");
    assertThat(r.header("access-control-allow-methods")).contains("GET", "POST");
    assertThat(r.header("access-control-allow-headers")).isEqualTo("authorization, content-type");
    assertThat(r.header("access-control-max-age")).isEqualTo("300");
    assertThat(r.headers().getAll("vary")).contains("Origin");
    assertThat(svc.count()).as("the service never sees a preflight").isZero();
  }

  @Test
  void aPreflightOfAnotherOriginMethodOrHeaderIs403() {
    gateway(CORS, "  - { path: \"/api/**\", upstream: svc }");
    var origin = bff.send(HttpMethod.OPTIONS, "/api/x", Map.of("Origin", "https://evil.example.com",
        "Access-Control-Request-Method", "GET"), null);
    assertThat(origin.status()).isEqualTo(403);
    assertThat(origin.header("access-control-allow-origin")).isNull();
    assertThat(origin.json().getString("detail")).contains("origin");
    assertThat(bff.send(HttpMethod.OPTIONS, "/api/x", Map.of("Origin", "https://shop.example.com",
        "Access-Control-Request-Method", "DELETE"), null).status()).isEqualTo(403);
    assertThat(bff.send(HttpMethod.OPTIONS, "/api/x", Map.of("Origin", "https://shop.example.com",
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-secret"), null).status())
        .isEqualTo(403);
    assertThat(svc.count()).isZero();
  }

  @Test
  void answersToAnAllowedOriginAreLabelledAndTheServicesOwnCorsIsDropped() {
    gateway(CORS, "  - { path: \"/api/**\", upstream: svc }");
    var allowed = bff.get("/api/x", Map.of("Origin", "https://shop.example.com"));
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.headers().getAll("access-control-allow-origin")).containsExactly("https://shop.example.com");
    assertThat(allowed.header("access-control-expose-headers")).contains("BFF-Degraded", "Server-Timing");
    var other = bff.get("/api/x", Map.of("Origin", "https://evil.example.com"));
    assertThat(other.status()).as("the browser, not the gateway, blocks it").isEqualTo(200);
    assertThat(other.header("access-control-allow-origin")).isNull();
    var none = bff.get("/api/x");
    assertThat(none.header("access-control-allow-origin")).isNull();
    assertThat(none.headers().getAll("vary")).contains("Origin");
  }

  @Test
  void theAllowAndDenyListsJudgeTheAddressBehindTrustedProxies() {
    gateway("trusted-proxies: [\"127.0.0.0/8\"], ip-filter: { allow: [\"10.0.0.0/8\", \"2001:db8::/32\"], "
        + "deny: [\"10.6.6.0/24\"] }",
        "  - { path: \"/api/**\", upstream: svc }\n  - { path: \"/ops/**\", upstream: svc, "
            + "ip-filter: { allow: [\"10.9.0.0/16\"] } }");
    assertThat(bff.get("/api/x", Map.of("X-Forwarded-For", "10.1.2.3")).status()).isEqualTo(200);
    assertThat(bff.get("/api/x", Map.of("X-Forwarded-For", "2001:db8::7")).status()).isEqualTo(200);
    var outside = bff.get("/api/x", Map.of("X-Forwarded-For", "192.168.1.1"));
    assertThat(outside.status()).isEqualTo(403);
    assertThat(outside.header("content-type")).isEqualTo("application/problem+json");
    assertThat(bff.get("/api/x", Map.of("X-Forwarded-For", "10.6.6.6")).status()).as("denied wins").isEqualTo(403);
    assertThat(bff.get("/api/x", Map.of("X-Forwarded-For", "2001:db9::1")).status()).isEqualTo(403);
    assertThat(bff.get("/ops/x", Map.of("X-Forwarded-For", "10.1.2.3")).status()).as("the route's own list")
        .isEqualTo(403);
    assertThat(bff.get("/ops/x", Map.of("X-Forwarded-For", "10.9.1.1")).status()).isEqualTo(200);
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/api/x", "/api/x", "/ops/x");
  }

  @Test
  void aForwardedForFromAnUntrustedPeerIsNotBelieved() {
    gateway("ip-filter: { allow: [\"10.0.0.0/8\"] }", "  - { path: \"/api/**\", upstream: svc }");
    assertThat(bff.get("/api/x", Map.of("X-Forwarded-For", "10.1.2.3")).status())
        .as("the peer 127.0.0.1 is not a trusted proxy: its own address counts").isEqualTo(403);
    assertThat(svc.count()).isZero();
  }

  @Test
  void responsesSayNoSniffOnceAndCanBeToldNotTo() {
    gateway("", "  - { path: \"/api/**\", upstream: svc }");
    var proxied = bff.get("/api/x");
    assertThat(proxied.headers().getAll("x-content-type-options")).containsExactly("nosniff");
    assertThat(proxied.header("strict-transport-security")).as("only over TLS").isNull();
    assertThat(bff.get("/nothing").header("x-content-type-options")).isEqualTo("nosniff");
    bff.close();
    gateway("security-headers: false", "  - { path: \"/api/**\", upstream: svc }");
    assertThat(bff.get("/nothing").header("x-content-type-options")).isNull();
  }
}
