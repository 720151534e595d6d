package dev.bff.common.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.OnContext;
import dev.bff.common.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Answers of a v2 service reaching v1 clients through {@code transform.response}: the version chosen by
 * path or by header, lists, what happens to the head, and the answers that cannot be edited.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class TransformRouteTest {
  /** v2 prices back to v1 ones, for one product or each product of a list. */
  static final String TO_V1 = """
      [ { move: { unitPrice.amount: price, unitPrice.currency: currency } },
        { remove: [unitPrice, internalCode] }, { add: { version: v1 } } ]""";
  static final String ITEMS_TO_V1 = """
      [ { move: { items.unitPrice.amount: items.price, items.unitPrice.currency: items.currency } },
        { remove: [items.unitPrice, items.internalCode] } ]""";
  static final JsonObject V1 = new JsonObject().put("id", "7").put("name", "Kettle 7").put("price", 19.90)
      .put("currency", "EUR").put("version", "v1");

  V2Catalog catalog;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    catalog = V2Catalog.start(vertx);
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1, limits: { max-body-size: 2KB } }
        upstreams:
          catalog: { instances: ["${CATALOG}"] }
        routes:
          - { path: /p/v1/products/:id, upstream: catalog, rewrite: "/v2/products/{id}", transform: { response: %1$s } }
          - { path: /p/v2/products/:id, upstream: catalog, rewrite: "/v2/products/{id}" }
          - path: /p/products/:id
            headers: { X-Api-Version: "1" }
            upstream: catalog
            rewrite: "/v2/products/{id}"
            request-headers: { rename: { X-Api-Version: X-Client-Api-Version } }
            response-headers: { add: { Vary: X-Api-Version } }
            transform: { response: %1$s }
          - path: /p/products/:id
            upstream: catalog
            rewrite: "/v2/products/{id}"
            response-headers: { add: { Vary: X-Api-Version } }
          - { path: /p/v1/products, upstream: catalog, rewrite: /v2/products, transform: { response: %2$s } }
          - { path: /p/v1/list, upstream: catalog, rewrite: /v2/list, transform: { response: %1$s } }
          - { path: "/p/v1/**", upstream: catalog, strip-prefix: /p/v1, transform: { response: %1$s } }
        """.formatted(TO_V1.replace("\n", " "), ITEMS_TO_V1.replace("\n", " ")), Map.of("CATALOG", catalog.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    catalog.close();
  }

  @Test
  void aV2AnswerReachesAV1ClientInTheV1Shape() {
    var r = bff.get("/p/v1/products/7", Map.of("Range", "bytes=0-9", "If-Range", "\"v2-7\""));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(V1);
    assertThat(r.body().toString()).contains("\"price\":19.90");
    assertThat(r.header("content-length")).isEqualTo(Integer.toString(r.body().length()));
    assertThat(r.header("content-encoding")).as("asking the upstream for identity asks nothing of the client")
        .isNull();
    assertThat(r.header("etag")).as("the upstream's tag describes other bytes").isNull();
    assertThat(r.header("content-md5")).isNull();
    assertThat(r.header("accept-ranges")).isNull();
    assertThat(r.header("last-modified")).as("still when the product changed").isEqualTo(
        "Tue, 01 Jul 2025 10:00:00 GMT");
    var seen = catalog.upstream.seen().get(0);
    assertThat(seen.uri()).isEqualTo("/v2/products/7");
    assertThat(seen.headers().get("accept-encoding")).isEqualTo("identity");
    assertThat(seen.headers().contains("range")).as("the whole answer is edited").isFalse();
    assertThat(seen.headers().contains("if-range")).isFalse();
  }

  @Test
  void theV2PathPassesTheV2AnswerThroughAsItIs() {
    var r = bff.get("/p/v2/products/7");
    assertThat(r.json()).isEqualTo(V2Catalog.PRODUCT);
    assertThat(r.header("etag")).isEqualTo("\"v2-7\"");
    assertThat(r.header("accept-ranges")).isEqualTo("bytes");
    assertThat(catalog.upstream.seen().get(0).headers().contains("accept-encoding")).isFalse();
  }

  @Test
  void theApiVersionHeaderSelectsV1OnASharedPath() {
    var v1 = bff.get("/p/products/7", Map.of("X-Api-Version", "1"));
    assertThat(v1.json()).isEqualTo(V1);
    assertThat(v1.header("vary")).contains("X-Api-Version");
    var asV1 = catalog.upstream.seen().get(0).headers();
    assertThat(asV1.get("x-client-api-version")).as("renamed on its way up").isEqualTo("1");
    assertThat(asV1.contains("x-api-version")).isFalse();

    var v2 = bff.get("/p/products/7");
    assertThat(v2.json()).isEqualTo(V2Catalog.PRODUCT);
    assertThat(v2.header("vary")).contains("X-Api-Version");
    assertThat(bff.get("/p/products/7", Map.of("X-Api-Version", "2")).json()).isEqualTo(V2Catalog.PRODUCT);
  }

  @Test
  void eachItemOfAListIsEdited() {
    JsonObject page = bff.get("/p/v1/products").json();
    assertThat(page.getInteger("total")).isEqualTo(2);
    assertThat(page.getJsonArray("items")).containsExactly(
        new JsonObject().put("id", "7").put("name", "Kettle 7").put("price", 19.90).put("currency", "EUR"),
        new JsonObject().put("id", "8").put("name", "Kettle 8").put("price", 5).put("currency", "EUR"));

    JsonArray list = bff.get("/p/v1/list").body().toJsonArray();
    assertThat(list).hasSize(2);
    assertThat(list.getJsonObject(0)).isEqualTo(V1);
    assertThat(list.getJsonObject(1).getValue("price")).isEqualTo(5);
  }

  @Test
  void aGzipCapableUpstreamAnswersIdentityAndTheGatewayCompressesTheEditedBody() throws IOException {
    var r = bff.get("/p/v1/products/7", Map.of("Accept-Encoding", "gzip"));
    assertThat(catalog.upstream.seen().get(0).headers().get("accept-encoding")).isEqualTo("identity");
    Buffer body = "gzip".equals(r.header("content-encoding")) ? gunzip(r.body()) : r.body();
    assertThat(body.toJsonObject()).isEqualTo(V1);
  }

  @Test
  void anUpstreamThatEncodesAnywayIs502() {
    catalog.upstream.handler(req -> req.response().putHeader("content-type", "application/json")
        .putHeader("content-encoding", "gzip").end(V2Catalog.gzip(V2Catalog.PRODUCT.encode())));
    var r = bff.get("/p/v1/products/7");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("'catalog'", "content-coded (gzip)");
  }

  @Test
  void anAnswerLargerThanTheBodyLimitIs502WithOrWithoutALength() {
    String big = new JsonObject().put("blob", "x".repeat(4096)).encode();
    catalog.upstream.handler(req -> req.response().putHeader("content-type", "application/json").end(big));
    var sized = bff.get("/p/v1/products/7");
    assertThat(sized.status()).isEqualTo(502);
    assertThat(sized.json().getString("detail")).contains("larger than the 2048 bytes");

    catalog.upstream.handler(req -> req.response().setChunked(true).putHeader("content-type", "application/json")
        .write(big.substring(0, 1500)).compose(v -> req.response().end(big.substring(1500))));
    var chunked = bff.get("/p/v1/products/7");
    assertThat(chunked.status()).isEqualTo(502);
    assertThat(chunked.json().getString("detail")).contains("larger than the 2048 bytes");
    assertThat(bff.get("/p/v2/products/7").status()).as("the gateway is fine afterwards").isEqualTo(200);
  }

  @Test
  void anAnswerThatIsNotJsonAfterAllIs502() {
    catalog.upstream.handler(req -> req.response().putHeader("content-type", "application/json")
        .end("{\"id\": \"7\", \"unitPrice\": "));
    var r = bff.get("/p/v1/products/7");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.json().getString("detail")).isEqualTo(
        "upstream 'catalog' answered with a body that is not valid JSON: the route edits JSON answers");
  }

  @Test
  void otherTypesErrorsAndBodilessAnswersPassAsTheyAre() {
    var text = bff.get("/p/v1/text");
    assertThat(text.body().toString()).isEqualTo("price: 19.90 EUR");
    assertThat(text.header("etag")).as("not edited, still described by its tag").isEqualTo("\"t1\"");

    var missing = bff.get("/p/v1/nothing");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getString("detail")).as("errors are not edited").isEqualTo("no /nothing");
    assertThat(missing.json().containsKey("version")).isFalse();

    var head = bff.send(HttpMethod.HEAD, "/p/v1/products/7", Map.of(), null);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body().length()).isZero();
    assertThat(head.header("etag")).isNull();
    assertThat(head.header("content-length")).as("the edited length is not known without the body").isNull();
    assertThat(bff.send(HttpMethod.HEAD, "/p/v1/products/7", Map.of("Accept-Encoding", "gzip"), null).status())
        .isEqualTo(200);

    catalog.upstream.handler(req -> req.response().setStatusCode(304).putHeader("ETag", "\"v2-7\"").end());
    var notModified = bff.get("/p/v1/products/7", Map.of("If-Modified-Since", "Tue, 01 Jul 2025 10:00:00 GMT"));
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.header("etag")).isNull();

    catalog.upstream.handler(req -> req.response().setStatusCode(204).putHeader("content-type", "application/json")
        .end());
    assertThat(bff.get("/p/v1/products/7").status()).isEqualTo(204);
  }

  @Test
  void aClientThatLeavesWhileTheAnswerIsReadResetsTheUpstreamStream(Vertx vertx) {
    AtomicBoolean upstreamClosed = new AtomicBoolean();
    catalog.upstream.handler(req -> {
      req.response().closeHandler(v -> upstreamClosed.set(true));
      req.response().setChunked(true).putHeader("content-type", "application/json").write("{\"id\": \"7\",");
    });
    var client = vertx.createHttpClient();
    try {
      OnContext.await(bff.context(), () -> client.request(HttpMethod.GET, bff.port(), "127.0.0.1", "/p/v1/products/7")
          .compose(req -> req.end().compose(x -> vertx.timer(200)).compose(x -> req.connection().close())));
      Poll.until("the upstream stream is reset", Duration.ofSeconds(10), upstreamClosed::get);
    } finally {
      client.close();
    }
    catalog.upstream.handler(req -> V2Catalog.json(req, 200, V2Catalog.PRODUCT.encode()));
    assertThat(bff.get("/p/v1/products/7").json()).isEqualTo(V1);
  }

  private static Buffer gunzip(Buffer b) throws IOException {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(b.getBytes()))) {
      return Buffer.buffer(in.readAllBytes());
    }
  }
}
