package dev.bff.common.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.OnContext;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * v1 request bodies reaching a v2 service through {@code transform.request}, and declarative header
 * edits (rename, remove, set, add) both ways.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class TransformRequestTest {
  /** A v1 order ({@code items} with {@code id}, {@code price}, {@code currency}) as a v2 one ({@code lines}). */
  static final String TO_V2 = """
      [ { rename: { items: lines } }, { rename: { lines.id: productId } },
        { move: { lines.price: lines.unitPrice.amount, lines.currency: lines.unitPrice.currency } },
        { remove: [legacyField] }, { add: { apiVersion: 2 } } ]""".replace("\n", " ");
  static final JsonObject V1_ORDER = new JsonObject().put("legacyField", "x").put("items", new JsonArray()
      .add(new JsonObject().put("id", "7").put("quantity", 2).put("price", 19.90).put("currency", "EUR"))
      .add(new JsonObject().put("id", "8").put("quantity", 1).put("price", 5).put("currency", "EUR")));
  static final JsonObject V2_ORDER = new JsonObject().put("lines", new JsonArray()
      .add(new JsonObject().put("productId", "7").put("quantity", 2)
          .put("unitPrice", new JsonObject().put("amount", 19.90).put("currency", "EUR")))
      .add(new JsonObject().put("productId", "8").put("quantity", 1)
          .put("unitPrice", new JsonObject().put("amount", 5).put("currency", "EUR"))))
      .put("apiVersion", 2);

  V2Catalog catalog;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    catalog = V2Catalog.start(vertx);
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1, limits: { max-body-size: 1KB } }
        upstreams:
          catalog: { instances: ["${CATALOG}"] }
        routes:
          - { path: /p/v1/orders, upstream: catalog, rewrite: /v2/orders, transform: { request: %1$s } }
          - { path: /p/v1/checked/orders, upstream: catalog, rewrite: /v2/orders, body-check: {},
              transform: { request: %1$s } }
          - { path: /p/v1/text, upstream: catalog, rewrite: /v2/orders, transform: { request: %1$s } }
          - path: "/h/**"
            upstream: catalog
            strip-prefix: /h
            request-headers:
              rename: { X-Api-Version: Accept-Version, X-Trace: X-Old-Trace }
              remove: [x-old-trace, cookie]
              set: { X-Gateway: bff }
              add: { X-Tag: added }
            response-headers:
              rename: { ETag: X-Upstream-ETag, X-Internal: X-Detail }
              remove: [server]
              set: { Cache-Control: no-store }
              add: { X-Tag: added }
        """.formatted(TO_V2), Map.of("CATALOG", catalog.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    catalog.close();
  }

  private BffUnderTest.Response post(String uri, String type, Buffer body) {
    return bff.send(HttpMethod.POST, uri, Map.of("Content-Type", type, "Content-MD5", "bm90IGl0"), body);
  }

  @Test
  void aV1BodyReachesTheUpstreamInTheV2ShapeWithItsNewLength() {
    var r = post("/p/v1/orders", "application/json", V1_ORDER.toBuffer());
    assertThat(r.status()).isEqualTo(201);
    Buffer sent = catalog.bodies.get(0);
    assertThat(sent.toJsonObject()).isEqualTo(V2_ORDER);
    assertThat(sent.toString()).contains("\"amount\":19.9"); // as the client wrote it
    var seen = catalog.upstream.seen().get(0).headers();
    assertThat(seen.get("content-length")).isEqualTo(Integer.toString(sent.length()));
    assertThat(seen.contains("content-md5")).as("it described the client's bytes").isFalse();
    assertThat(seen.get("content-type")).isEqualTo("application/json");
    assertThat(r.json().getJsonObject("accepted")).isEqualTo(V2_ORDER);
  }

  @Test
  void aChunkedV1BodyIsSentWholeWithALength(Vertx vertx) {
    HttpClient client = vertx.createHttpClient();
    try {
      Buffer body = V1_ORDER.toBuffer();
      int status = OnContext.await(bff.context(), () -> client.request(HttpMethod.POST, bff.port(), "127.0.0.1",
              "/p/v1/orders")
          .compose(req -> {
            req.setChunked(true).putHeader("content-type", "application/vnd.shop.order+json; charset=utf-8");
            req.write(body.slice(0, 20));
            return req.end(body.slice(20, body.length())).compose(v -> req.response());
          })
          .compose(resp -> resp.body().map(b -> resp.statusCode())));
      assertThat(status).isEqualTo(201);
    } finally {
      client.close();
    }
    assertThat(catalog.bodies.get(0).toJsonObject()).isEqualTo(V2_ORDER);
    var seen = catalog.upstream.seen().get(0).headers();
    assertThat(seen.get("content-length")).isEqualTo(Integer.toString(catalog.bodies.get(0).length()));
    assertThat(seen.contains("transfer-encoding")).isFalse();
  }

  @Test
  void aBodyReadByABodyCheckIsEditedToo() {
    assertThat(post("/p/v1/checked/orders", "application/json", V1_ORDER.toBuffer()).status()).isEqualTo(201);
    assertThat(catalog.bodies.get(0).toJsonObject()).isEqualTo(V2_ORDER);
  }

  @Test
  void aBodyOfAnotherTypeIsSentAsItIs() {
    Buffer text = Buffer.buffer("items=7&legacyField=x");
    assertThat(post("/p/v1/text", "application/x-www-form-urlencoded", text).status()).isEqualTo(201);
    assertThat(catalog.bodies.get(0)).isEqualTo(text);
    assertThat(catalog.upstream.seen().get(0).headers().get("content-md5")).isEqualTo("bm90IGl0");
  }

  @Test
  void aRequestWithoutABodyIsSentAsItIs() {
    var r = bff.send(HttpMethod.POST, "/p/v1/orders", Map.of("Content-Type", "application/json"), null);
    assertThat(r.status()).isEqualTo(201);
    assertThat(catalog.bodies.get(0).length()).isZero();
  }

  @Test
  void aBodyThatIsNotJsonOrTooLargeIsRefusedBeforeTheUpstream() {
    var bad = post("/p/v1/orders", "application/json", Buffer.buffer("{\"items\": ["));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("detail")).isEqualTo("the request body is not valid JSON");

    var large = post("/p/v1/orders", "application/json",
        new JsonObject().put("note", "x".repeat(2000)).toBuffer());
    assertThat(large.status()).isEqualTo(413);

    var coded = bff.send(HttpMethod.POST, "/p/v1/orders", Map.of("Content-Type", "application/json",
        "Content-Encoding", "gzip"), V2Catalog.gzip(V1_ORDER.encode()));
    assertThat(coded.status()).isEqualTo(415);
    assertThat(catalog.upstream.count()).isZero();
  }

  @Test
  void headersAreRenamedRemovedSetAndAddedBothWays() {
    catalog.upstream.handler(req -> req.response().putHeader("ETag", "\"e1\"").putHeader("X-Internal", "i")
        .putHeader("Server", "catalog/2").putHeader("Cache-Control", "max-age=60").putHeader("X-Tag", "up")
        .end("ok"));
    var r = bff.get("/h/anything", Map.of("X-Api-Version", "1", "X-Trace", "t", "Cookie", "c=1",
        "X-Gateway", "client", "X-Tag", "client"));
    var up = catalog.upstream.seen().get(0).headers();
    assertThat(up.get("accept-version")).isEqualTo("1");
    assertThat(up.contains("x-api-version")).isFalse();
    assertThat(up.contains("x-trace")).as("renamed, then the new name removed").isFalse();
    assertThat(up.contains("x-old-trace")).isFalse();
    assertThat(up.contains("cookie")).isFalse();
    assertThat(up.get("x-gateway")).isEqualTo("bff");
    assertThat(up.getAll("x-tag")).containsExactly("client", "added");

    assertThat(r.header("x-upstream-etag")).isEqualTo("\"e1\"");
    assertThat(r.header("etag")).isNull();
    assertThat(r.header("x-detail")).isEqualTo("i");
    assertThat(r.header("x-internal")).isNull();
    assertThat(r.header("server")).isNull();
    assertThat(r.header("cache-control")).isEqualTo("no-store");
    assertThat(r.headers().getAll("x-tag")).containsExactly("up", "added");
  }

  @Test
  void aRenamedHeaderReplacesOneOfItsNewNameWithAllItsValues() {
    bff.send(HttpMethod.GET, "/h/x", Map.of("X-Api-Version", "2", "Accept-Version", "9"), null);
    assertThat(catalog.upstream.seen().get(0).headers().getAll("accept-version")).containsExactly("2");
  }
}
