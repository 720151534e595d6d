package dev.bff.common.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.auth.ApiKeys;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A part with a cache time to live is called once per client URI and caller while its value is fresh. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class PartCacheTest {
  FakeUpstream catalog;
  FakeUpstream stock;
  BffUnderTest bff;
  final AtomicInteger version = new AtomicInteger(1);

  @BeforeEach
  void start(Vertx vertx) {
    catalog = FakeUpstream.start(vertx, "catalog").handler(req -> req.response()
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("path", req.path()).put("version", version.get())
            .put("partner", req.getHeader("X-Partner-Id")).encode()));
    stock = FakeUpstream.start(vertx, "stock").handler(req -> req.response()
        .putHeader("content-type", "application/json").end("{\"quantity\":3}"));
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1 }
        auth:
          default: public
          api-keys:
            keys:
              - { id: a, sha256: "%s", partner: acme }
              - { id: g, sha256: "%s", partner: globex }
        upstreams:
          catalog: { instances: ["${CATALOG}"] }
          stock:   { instances: ["${STOCK}"] }
        endpoints:
          page:
            path: /page/:id
            parts:
              product: { upstream: catalog, path: "/products/{id}", cache-ttl: 1m }
              stock:   { upstream: stock, path: "/stock/{id}" }
          short:
            path: /short/:id
            parts:
              product: { upstream: catalog, path: "/short/{id}", cache-ttl: 300ms }
          partner:
            path: /partner/:id
            auth: api-key
            parts:
              product: { upstream: catalog, path: "/products/{id}", cache-ttl: 1m }
        """.formatted(ApiKeys.sha256("key-acme"), ApiKeys.sha256("key-globex")),
        Map.of("CATALOG", catalog.url(), "STOCK", stock.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    catalog.close();
    stock.close();
  }

  @Test
  void aFreshPartIsServedWithoutACallAndSaysSoInServerTiming() {
    var first = bff.get("/page/1");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("server-timing")).contains("product;dur=").contains("desc=\"ok\"");
    version.set(2);
    var second = bff.get("/page/1");
    assertThat(second.json().getJsonObject("product").getInteger("version")).as("the cached value").isEqualTo(1);
    assertThat(second.header("server-timing")).contains("product;dur=0.0;desc=\"cached\"", "stock;dur=");
    assertThat(catalog.count()).isEqualTo(1);
    assertThat(stock.count()).as("parts without a cache are called every time").isEqualTo(2);
    assertThat(bff.get("/page/2").json().getJsonObject("product").getInteger("version"))
        .as("another client URI is another value").isEqualTo(2);
    assertThat(catalog.count()).isEqualTo(2);
  }

  @Test
  void aValueIsCalledForAgainOnceItsTimeToLivePasses() {
    assertThat(bff.get("/short/1").json().getJsonObject("product").getInteger("version")).isEqualTo(1);
    version.set(2);
    Poll.until("the part's value expires", Duration.ofSeconds(10),
        () -> bff.get("/short/1").json().getJsonObject("product").getInteger("version") == 2);
    assertThat(catalog.count()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void oneCallersValueIsNeverServedToAnother() {
    var acme = bff.get("/partner/1", Map.of("X-Api-Key", "key-acme"));
    assertThat(acme.json().getJsonObject("product").getString("partner")).isEqualTo("acme");
    var globex = bff.get("/partner/1", Map.of("X-Api-Key", "key-globex"));
    assertThat(globex.json().getJsonObject("product").getString("partner")).isEqualTo("globex");
    assertThat(bff.get("/partner/1", Map.of("X-Api-Key", "key-acme")).json().getJsonObject("product")
        .getString("partner")).isEqualTo("acme");
    assertThat(catalog.count()).as("one call per partner").isEqualTo(2);
  }
}
