package dev.bff.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.aggregate.Composition;
import dev.bff.common.aggregate.Part;
import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeGrpc;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A composed endpoint mixing an HTTP part and a gRPC part: the gRPC part's value joins the answer,
 * its failures degrade it like an HTTP part's (unavailable, not_found, timeout), the part's time
 * goes to the service as {@code grpc-timeout}, and the trace context and request id go along.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class GrpcPartTest {
  /** product over HTTP, stock over gRPC. */
  static final class ShopBff implements BffModule {
    @Override
    public String name() {
      return "grpc-shop";
    }

    @Override
    public void endpoints(Endpoints e) {
      e.get("page", "/page/:id", Composition.of(
          Part.required("product", "catalog", (u, c) -> u.getJson("/products/" + c.param("id"))),
          Part.optional("stock", "inventory", (u, c) -> u.grpc("demo.inventory.v1.Inventory/GetStock",
              new JsonObject().put("productId", c.param("id")))).timeout(Duration.ofMillis(250))));
    }
  }

  FakeUpstream catalog;
  FakeGrpc inventory;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    catalog = FakeUpstream.start(vertx, "catalog");
    inventory = FakeGrpc.start(vertx);
    bff = BffUnderTest.start(vertx, new ShopBff(), """
        grpc: { descriptor-sets: ["classpath:grpc/demo.pb"] }
        upstreams:
          catalog: { instances: ["${CATALOG}"] }
          inventory: { instances: ["${INVENTORY}"] }
        """, Map.of("CATALOG", catalog.url(), "INVENTORY", inventory.url()));
    // the first gRPC call loads the protobuf and JSON-mapping classes and connects: warm up, then count from zero
    dev.bff.common.testing.Poll.until("a warm gRPC part", Duration.ofSeconds(20),
        () -> bff.get("/page/0").header("BFF-Degraded") == null);
    inventory.seen().clear();
  }

  @AfterEach
  void stop() {
    bff.close();
    inventory.close();
    catalog.close();
  }

  @Test
  void theGrpcPartsValueJoinsTheAnswer() {
    var r = bff.get("/page/7", Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("BFF-Degraded")).isNull();
    assertThat(r.json().getJsonObject("product").getString("uri")).isEqualTo("/products/7");
    assertThat(r.json().getJsonObject("stock")).isEqualTo(new JsonObject().put("productId", "7").put("quantity", 5)
        .put("warehouse", "FAKE").put("shipsInDays", 1));
    var metadata = inventory.seen().get(0);
    assertThat(metadata.get("traceparent")).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-");
    assertThat(metadata.get("x-request-id")).isEqualTo(r.header("x-request-id"));
    assertThat(metadata.get("grpc-timeout")).isNotNull();
  }

  @Test
  void aFailingGrpcPartDegradesTheAnswer() {
    inventory.status(GrpcStatus.UNAVAILABLE);
    var unavailable = bff.get("/page/7");
    assertThat(unavailable.status()).isEqualTo(200);
    assertThat(unavailable.header("BFF-Degraded")).isEqualTo("stock=unavailable");
    assertThat(unavailable.json().getJsonObject("product")).isNotNull();
    assertThat(unavailable.json().containsKey("stock")).isFalse();

    inventory.status(GrpcStatus.NOT_FOUND);
    assertThat(bff.get("/page/7").header("BFF-Degraded")).isEqualTo("stock=not_found");
  }

  @Test
  void aYamlPartCallsGrpcWithFieldsFromTheRequestAndOtherParts(Vertx vertx) {
    String yaml = """
        grpc: { descriptor-sets: ["classpath:grpc/demo.pb"] }
        upstreams:
          catalog: { instances: ["${CATALOG}"] }
          inventory: { instances: ["${INVENTORY}"] }
        endpoints:
          tile:
            path: /tile/:id
            parts:
              product: { upstream: catalog, path: "/products/{id}", required: true }
              stock:   { upstream: inventory, needs: [product], timeout: 2s,
                         grpc: { method: demo.inventory.v1.Inventory/GetStock, request: { product_id: "{product.path}" } } }
        """;
    try (BffUnderTest yamlBff = BffUnderTest.start(vertx, yaml, Map.of("CATALOG", catalog.url(),
        "INVENTORY", inventory.url()))) {
      var r = yamlBff.get("/tile/7");
      assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
      assertThat(r.header("BFF-Degraded")).isNull();
      // the value of another part, unencoded: a gRPC field is no URI
      assertThat(r.json().getJsonObject("stock").getString("productId")).isEqualTo("/products/7");
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BffUnderTest.start(vertx, yaml
            .replace("product_id:", "sku:").replace("path: \"/products/{id}\", required: true",
                "path: \"/products/{id}\", required: true, grpc: { method: x.Y/Z }"),
            Map.of("CATALOG", catalog.url(), "INVENTORY", inventory.url())))
        .isInstanceOf(dev.bff.common.config.ConfigException.class)
        .hasMessageContaining("endpoints.tile.parts.product.path: cannot be combined with grpc");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BffUnderTest.start(vertx, yaml.replace("product_id:", "sku:"),
            Map.of("CATALOG", catalog.url(), "INVENTORY", inventory.url())))
        .isInstanceOf(dev.bff.common.config.ConfigException.class)
        .hasMessageContaining("endpoints.tile.parts.stock.grpc.request.sku: is not a field of demo.inventory.v1.StockRequest");
  }

  @Test
  void aSlowGrpcPartTimesOutWithItsTimeSentAsGrpcTimeout() {
    inventory.delay(2000);
    long start = System.nanoTime();
    var r = bff.get("/page/7");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1500);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("BFF-Degraded")).isEqualTo("stock=timeout");
    String timeout = inventory.seen().get(0).get("grpc-timeout");
    long ms = timeout.endsWith("m") ? Long.parseLong(timeout.substring(0, timeout.length() - 1))
        : Long.parseLong(timeout.substring(0, timeout.length() - 1)) / 1000;
    assertThat(ms).as(timeout).isBetween(150L, 250L);
  }
}
