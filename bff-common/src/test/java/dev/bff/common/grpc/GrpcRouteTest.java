package dev.bff.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bff.common.config.ConfigException;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeGrpc;
import dev.bff.demo.DemoServices;
import dev.bff.demo.ProductData;
import dev.bff.demo.Stock;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * REST to gRPC routes against the demo inventory's gRPC service and a fake one: JSON in and out by
 * the descriptor set alone, request fields from path, query and body, gRPC statuses as HTTP
 * statuses in problem+json, and the route's time as {@code grpc-timeout}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class GrpcRouteTest {
  static final String YAML = """
      grpc:
        descriptor-sets: ["classpath:grpc/demo.pb"]
      upstreams:
        inventory: { instances: ["${INVENTORY}"] }
        fake: { instances: ["${FAKE}"] }
        nowhere: { instances: ["http://127.0.0.1:1"], connect-timeout: 500ms }
      routes:
        - { id: stock, path: "/api/stock/:product_id", upstream: inventory, methods: [GET],
            grpc: { method: demo.inventory.v1.Inventory/GetStock } }
        - { id: by-sku, path: "/api/sku/:id", upstream: inventory, methods: [GET],
            grpc: { method: demo.inventory.v1.Inventory/GetStock, request: { product_id: "{id}" } } }
        - { id: lookup, path: "/api/lookup", upstream: inventory, methods: [POST],
            grpc: { method: demo.inventory.v1.Inventory.GetStock } }
        - { id: fake, path: "/api/fake/:productId", upstream: fake, timeout: 300ms,
            grpc: { method: demo.inventory.v1.Inventory/GetStock } }
        - { id: down, path: "/api/down/:productId", upstream: nowhere,
            grpc: { method: demo.inventory.v1.Inventory/GetStock } }
      """;

  DemoServices demo;
  FakeGrpc fake;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    demo = DemoServices.start(vertx, Map.of("inventory-grpc", 0)).await();
    fake = FakeGrpc.start(vertx);
    bff = BffUnderTest.start(vertx, YAML, Map.of("INVENTORY", demo.url("inventory-grpc"), "FAKE", fake.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    fake.close();
    demo.close().await();
  }

  @Test
  void aGetMapsPathParametersToTheRequestAndTheReplyToJson() {
    Stock expected = ProductData.standard().stock("3").orElseThrow();
    var r = bff.get("/api/stock/3");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("application/json");
    assertThat(r.json()).isEqualTo(new JsonObject().put("productId", "3").put("quantity", expected.quantity())
        .put("warehouse", expected.warehouse()).put("shipsInDays", expected.shipsInDays()));
    assertThat(bff.get("/api/sku/3").json()).isEqualTo(r.json());
  }

  @Test
  void zeroValuesAreAnsweredNotLeftOut() {
    fake.quantity(0);
    assertThat(bff.get("/api/fake/9").json().getInteger("quantity")).isEqualTo(0);
  }

  @Test
  void aPostsBodyIsTheRequestMessage() {
    var r = bff.send(HttpMethod.POST, "/api/lookup", Map.of("content-type", "application/json"),
        Buffer.buffer("{\"product_id\":\"3\"}"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("productId")).isEqualTo("3");

    var unknown = bff.send(HttpMethod.POST, "/api/lookup", Map.of(), Buffer.buffer("{\"sku\":\"3\"}"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().getString("detail")).contains("demo.inventory.v1.StockRequest").contains("sku");
    assertThat(bff.send(HttpMethod.POST, "/api/lookup", Map.of(), Buffer.buffer("[1]")).status()).isEqualTo(400);
    assertThat(bff.send(HttpMethod.POST, "/api/lookup", Map.of(), Buffer.buffer("{\"productId\":{}}")).status())
        .isEqualTo(400);
  }

  @Test
  void grpcStatusesAreHttpStatusesInProblemJson() {
    var missing = bff.get("/api/stock/no-such-product");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("content-type")).isEqualTo("application/problem+json");
    assertThat(missing.json().getString("detail")).isEqualTo("gRPC NOT_FOUND: product no-such-product not found");

    fake.status(GrpcStatus.UNAVAILABLE);
    var unavailable = bff.get("/api/fake/1");
    assertThat(unavailable.status()).isEqualTo(503);
    assertThat(unavailable.json().getString("detail")).isEqualTo("upstream 'fake' answered gRPC UNAVAILABLE");

    fake.status(GrpcStatus.INVALID_ARGUMENT);
    assertThat(bff.get("/api/fake/1").status()).isEqualTo(400);
    fake.status(GrpcStatus.PERMISSION_DENIED);
    assertThat(bff.get("/api/fake/1").status()).isEqualTo(403);
    fake.status(GrpcStatus.RESOURCE_EXHAUSTED);
    assertThat(bff.get("/api/fake/1").status()).isEqualTo(429);
    fake.status(GrpcStatus.UNIMPLEMENTED);
    assertThat(bff.get("/api/fake/1").status()).isEqualTo(501);
    fake.status(GrpcStatus.INTERNAL);
    var internal = bff.get("/api/fake/1");
    assertThat(internal.status()).isEqualTo(502);
    assertThat(internal.body().toString()).doesNotContain("told to answer"); // the service's own words stay inside
    fake.status(GrpcStatus.DEADLINE_EXCEEDED);
    assertThat(bff.get("/api/fake/1").status()).isEqualTo(504);

    var refused = bff.get("/api/down/1");
    assertThat(refused.status()).isEqualTo(502);
    assertThat(refused.json().getString("type")).endsWith("upstream-unreachable");
  }

  @Test
  void theRoutesTimeIsSentAsGrpcTimeoutAndEndsTheCall() {
    fake.delay(2000);
    long start = System.nanoTime();
    var r = bff.get("/api/fake/1");
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.status()).isEqualTo(504);
    assertThat(tookMs).isLessThan(1500);
    String timeout = fake.seen().get(0).get("grpc-timeout");
    assertThat(timeout).matches("\\d+[mu]");
    long ms = timeout.endsWith("m") ? Long.parseLong(timeout.substring(0, timeout.length() - 1))
        : Long.parseLong(timeout.substring(0, timeout.length() - 1)) / 1000;
    assertThat(ms).isBetween(100L, 300L);
    assertThat(fake.seen().get(0).get("x-request-id")).isEqualTo(r.header("x-request-id"));
  }

  @Test
  void callsShareOneHttp2ConnectionPerEventLoop() {
    for (int i = 0; i < 10; i++) {
      assertThat(bff.get("/api/fake/" + i).status()).isEqualTo(200);
    }
    assertThat(fake.connections()).isEqualTo(1);
  }

  @Test
  void configurationMistakesAreNamed(Vertx vertx) {
    assertThatThrownBy(() -> BffUnderTest.start(vertx, """
        grpc: { descriptor-sets: ["classpath:grpc/missing.pb"] }
        upstreams: { inv: { instances: ["http://127.0.0.1:1"] } }
        routes:
          - { id: s, path: "/s/:id", upstream: inv, grpc: { method: demo.inventory.v1.Inventory/GetStock } }
        """, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("grpc.descriptor-sets[0]").hasMessageContaining("no such classpath resource")
        .hasMessageContaining("routes[0].grpc.method");
    assertThatThrownBy(() -> BffUnderTest.start(vertx, """
        grpc: { descriptor-sets: ["classpath:grpc/demo.pb"] }
        upstreams: { inv: { instances: ["http://127.0.0.1:1"] } }
        routes:
          - { id: s, path: "/s/:id", upstream: inv,
              grpc: { method: demo.inventory.v1.Inventory/GetStok, request: { sku: "{id}" } } }
          - { id: t, path: "/t/:id", upstream: inv,
              grpc: { method: demo.inventory.v1.Inventory/GetStock, request: { sku: "{id}" } } }
        """, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("no unary gRPC method 'demo.inventory.v1.Inventory/GetStok'")
        .hasMessageContaining("known: [demo.inventory.v1.Inventory/GetStock]")
        .hasMessageContaining("routes[1].grpc.request.sku: is not a field of demo.inventory.v1.StockRequest");
    assertThatThrownBy(() -> BffUnderTest.start(vertx, """
        upstreams: { inv: { instances: ["http://127.0.0.1:1"] } }
        routes:
          - { id: s, path: "/s/:id", upstream: inv, cache: { ttl: 1s }, strip-prefix: /s,
              grpc: { method: "not a method" } }
        """, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("routes[0].cache: does not apply to a grpc route")
        .hasMessageContaining("routes[0].strip-prefix: does not apply to a grpc route")
        .hasMessageContaining("routes[0].grpc.method: must be package.Service/Method");
  }
}
