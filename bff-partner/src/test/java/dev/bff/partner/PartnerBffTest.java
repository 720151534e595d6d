package dev.bff.partner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** bff-partner with its built-in YAML against the demo services. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PartnerBffTest {
  DemoStack demo;
  BffUnderTest bff;

  @BeforeAll
  void start(Vertx vertx) {
    demo = DemoStack.start(vertx);
    bff = BuiltInBff.start(vertx, new PartnerBff(), demo.vars());
  }

  @AfterAll
  void stop() {
    bff.close();
    demo.close();
  }

  @Test
  void v1ServesProductsPagesAndStockThroughRewrites() {
    var page = bff.get("/partner/v1/products?page=1&size=10");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.json().getJsonArray("items")).hasSize(10);
    var one = bff.get("/partner/v1/products/42");
    assertThat(one.json().getString("id")).isEqualTo("42");
    var stock = bff.get("/partner/v1/products/42/stock");
    assertThat(stock.json().getString("productId")).isEqualTo("42");
  }

  @Test
  void nothingOutsideTheVersionedSurfaceIsReachable() {
    assertThat(bff.get("/partner/v2/products").status()).isEqualTo(404);
    assertThat(bff.get("/partner/v1/users/u1").status()).isEqualTo(404);
    assertThat(bff.get("/products/1").status()).isEqualTo(404);
    var post = bff.send(HttpMethod.POST, "/partner/v1/products", Map.of("Content-Type", "application/json"),
        Buffer.buffer("{}"));
    assertThat(post.status()).isEqualTo(405);
  }
}
