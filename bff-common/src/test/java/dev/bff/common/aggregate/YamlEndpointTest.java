package dev.bff.common.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Composed endpoints declared in YAML: calls from templates, needs, for-each, fallbacks and shaping. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class YamlEndpointTest {
  static final String YAML = """
      upstreams:
        catalog: { instances: ["${SVC}"], retry: { attempts: 0 } }
        reviews: { instances: ["${SVC}"], retry: { attempts: 0 } }
        stock:   { instances: ["${SVC}"], retry: { attempts: 0 } }
        recs:    { instances: ["${SVC}"], retry: { attempts: 0 } }
      endpoints:
        details:
          path: /d/:id
          deadline: 2s
          parts:
            product: { upstream: catalog, path: "/products/{id}", required: true, headers: [Accept-Language] }
            reviews: { upstream: reviews, path: "/reviews?productId={id}&limit={query.limit:20}",
                       fallback: { value: { items: [], total: 0 } } }
            stock:   { upstream: stock, path: "/stock/{id}", fallback: last-good }
            recs:    { upstream: recs, path: "/recs?category={product.category.id}", needs: [product] }
            related: { upstream: catalog, path: "/products/{item}", needs: [recs],
                       for-each: { from: recs.items, limit: 3 } }
          shape:
            - { merge: product, select: [id, name, price], rename: { price: amount } }
            - { put: thumbnail, from: product, pick: /images/thumbnail/url }
            - { put: reviews, from: reviews, pick: /items, limit: 2, select: [author, rating] }
            - { put: inStock, compute: in-stock }
            - { put: related, from: related, each: { select: [id, name] } }
        sku:
          path: /sku
          parts:
            product: { upstream: catalog, path: "/products/{query.sku}" }
        plain:
          path: /plain/:id
          parts:
            product: { upstream: catalog, path: "/products/{id}" }
            stock:   { upstream: stock, path: "/stock/{id}" }
      """;

  Vertx vertx;
  FakeUpstream svc;
  BffUnderTest bff;

  /** Registers the one function the YAML shape computes with. */
  static final class ShopBff implements BffModule {
    @Override
    public String name() {
      return "yaml-bff";
    }

    @Override
    public void endpoints(Endpoints e) {
      e.compute("in-stock", p -> p.json("stock") == null ? null : p.json("stock").getInteger("quantity", 0) > 0);
    }
  }

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    svc = FakeUpstream.start(vertx, "svc").handler(this::answer);
    bff = BffUnderTest.start(vertx, new ShopBff(), YAML, Map.of("SVC", svc.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
  }

  volatile int stockStatus = 200;

  private void answer(HttpServerRequest req) {
    String path = req.path();
    Object body;
    if (path.startsWith("/products/")) {
      String id = path.substring(10);
      if (id.equals("404")) {
        req.response().setStatusCode(404).end("{}");
        return;
      }
      body = new JsonObject().put("id", id).put("name", "P" + id + " " + req.getHeader("accept-language"))
          .put("price", 10).put("category", new JsonObject().put("id", "home"))
          .put("images", new JsonObject().put("thumbnail", new JsonObject().put("url", "t" + id + ".jpg")));
    } else if (path.startsWith("/reviews")) {
      body = new JsonObject().put("limit", req.getParam("limit")).put("items", new JsonArray()
          .add(new JsonObject().put("author", "A").put("rating", 5).put("text", "long text"))
          .add(new JsonObject().put("author", "B").put("rating", 4).put("text", "long text"))
          .add(new JsonObject().put("author", "C").put("rating", 3).put("text", "long text")));
    } else if (path.startsWith("/stock/")) {
      if (stockStatus != 200) {
        req.response().setStatusCode(stockStatus).end("{}");
        return;
      }
      body = new JsonObject().put("quantity", 4);
    } else {
      body = new JsonObject().put("category", req.getParam("category"))
          .put("items", new JsonArray().add("8").add("404").add("9").add("10"));
    }
    req.response().putHeader("content-type", "application/json").end(body.toString());
  }

  @Test
  void theResponseIsShapedFromThePartsAsTheYamlSays() {
    var r = bff.get("/d/7", Map.of("Accept-Language", "de"));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.fieldNames()).containsExactly("id", "name", "amount", "thumbnail", "reviews", "inStock",
        "related");
    assertThat(body.getString("name")).as("the client's Accept-Language went along").isEqualTo("P7 de");
    assertThat(body.getString("thumbnail")).isEqualTo("t7.jpg");
    assertThat(body.getJsonArray("reviews").encode())
        .isEqualTo("[{\"author\":\"A\",\"rating\":5},{\"author\":\"B\",\"rating\":4}]");
    assertThat(body.getBoolean("inStock")).isTrue();
    assertThat(body.getJsonArray("related").encode()).as("3 of the ids fetched, the unknown one left out")
        .isEqualTo("[{\"id\":\"8\",\"name\":\"P8 null\"},{\"id\":\"9\",\"name\":\"P9 null\"}]");
    assertThat(r.header(Degradation.HEADER)).isNull();
    assertThat(r.header("server-timing")).contains("product;dur=", "related;dur=");
  }

  @Test
  void placeholdersAreFilledFromParamsQueryAndNeededPartsAndEncoded() {
    bff.get("/d/a%20b?limit=5");
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri)
        .contains("/products/a%20b", "/reviews?productId=a+b&limit=5", "/stock/a%20b", "/recs?category=home");
    svc.reset();
    bff.get("/sku?sku=..");
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).as("no walking up the upstream's path")
        .containsExactly("/products/%2E%2E");
    svc.reset();
    bff.get("/d/3?limit=1%262");
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).contains("/reviews?productId=3&limit=1%262");
    svc.reset();
    bff.get("/d/3");
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).contains("/reviews?productId=3&limit=20");
  }

  @Test
  void fallbacksComeFromTheYaml() {
    assertThat(bff.get("/d/5").json().getBoolean("inStock")).isTrue();
    stockStatus = 503;
    var stale = bff.get("/d/5");
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.json().getBoolean("inStock")).as("the last good stock").isTrue();
    assertThat(stale.header(Degradation.HEADER)).isEqualTo("stock=error");
    assertThat(stale.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0).getString("served"))
        .isEqualTo("stale");
    var none = bff.get("/d/6");
    assertThat(none.json().containsKey("inStock")).as("no last good value: the computed field is left out").isFalse();
    assertThat(none.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0).getString("served"))
        .isEqualTo("omitted");
  }

  @Test
  void withoutAShapeEachPartIsPlacedUnderItsName() {
    var r = bff.get("/plain/4");
    assertThat(r.json().getJsonObject("product").getString("id")).isEqualTo("4");
    assertThat(r.json().getJsonObject("stock").getInteger("quantity")).isEqualTo(4);
  }

  @Test
  void aGetEndpointAnswersHeadWithTheSameHeadAndNoBody() {
    var get = bff.get("/plain/4");
    var head = bff.send(io.vertx.core.http.HttpMethod.HEAD, "/plain/4", Map.of(), null);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body().length()).isZero();
    assertThat(head.header("content-length")).isEqualTo(get.header("content-length"));
    assertThat(head.header("content-type")).isEqualTo("application/json");
    assertThat(bff.send(io.vertx.core.http.HttpMethod.POST, "/plain/4", Map.of(), null).status()).isEqualTo(405);
  }

  @Test
  void aRequiredPartThatIsNotFoundGives404NamingThePart() {
    var r = bff.get("/d/404");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().getString("detail")).contains("'product'");
  }
}
