package dev.bff.common.proxy;

import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;

/**
 * A catalog service that has moved to v2 ({@code unitPrice: {amount, currency}} instead of
 * {@code price} and {@code currency}), for the transform tests. It gzips answers for clients that
 * accept gzip, like many real services, and keeps every request body it receives.
 *
 * <pre>
 * GET  /v2/products/:id  a product, with ETag, Content-MD5, Accept-Ranges and Last-Modified
 * GET  /v2/products      {items: [product, product], page, total}
 * GET  /v2/list          [product, product]
 * POST /v2/orders        201 {accepted: the body as received (JSON, or else text)}
 * GET  /text             text/plain, with an ETag
 * </pre>
 */
final class V2Catalog implements AutoCloseable {
  /** The v2 product 7. */
  static final JsonObject PRODUCT = product("7", "19.90");

  final FakeUpstream upstream;
  final List<Buffer> bodies = new CopyOnWriteArrayList<>();

  private V2Catalog(FakeUpstream upstream) {
    this.upstream = upstream;
    upstream.handler(this::answer);
  }

  static V2Catalog start(Vertx vertx) {
    return new V2Catalog(FakeUpstream.start(vertx, "catalog"));
  }

  static JsonObject product(String id, String amount) {
    return new JsonObject().put("id", id).put("name", "Kettle " + id)
        .put("unitPrice", new JsonObject().put("amount", new java.math.BigDecimal(amount)).put("currency", "EUR"))
        .put("internalCode", "wh-" + id);
  }

  String url() {
    return upstream.url();
  }

  private void answer(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      bodies.add(body);
      HttpServerResponse resp = req.response();
      switch (req.path()) {
        case "/v2/products/7" -> json(req, 200, PRODUCT.encode(), "ETag", "\"v2-7\"", "Content-MD5",
            "Q2hlY2sgSW50ZWdyaXR5IQ==", "Accept-Ranges", "bytes", "Last-Modified", "Tue, 01 Jul 2025 10:00:00 GMT");
        case "/v2/products" -> json(req, 200, new JsonObject()
            .put("items", new JsonArray().add(PRODUCT).add(product("8", "5"))).put("page", 1).put("total", 2).encode());
        case "/v2/list" -> json(req, 200, new JsonArray().add(PRODUCT).add(product("8", "5")).encode());
        case "/v2/orders" -> json(req, 201, new JsonObject().put("accepted", body.length() == 0 ? null
            : String.valueOf(req.getHeader("content-type")).contains("json") ? body.toJsonValue() : body.toString())
            .encode());
        case "/text" -> resp.putHeader("content-type", "text/plain").putHeader("ETag", "\"t1\"")
            .end("price: 19.90 EUR");
        default -> resp.setStatusCode(404).putHeader("content-type", "application/problem+json")
            .end(new JsonObject().put("status", 404).put("detail", "no " + req.path()).encode());
      }
    });
  }

  /** Answers JSON, gzipped when the request accepts gzip. */
  static void json(HttpServerRequest req, int status, String json, String... headers) {
    HttpServerResponse resp = req.response().setStatusCode(status).putHeader("content-type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      resp.putHeader(headers[i], headers[i + 1]);
    }
    String ae = req.getHeader("accept-encoding");
    if (ae != null && ae.contains("gzip")) {
      resp.putHeader("content-encoding", "gzip").end(gzip(json));
    } else {
      resp.end(json);
    }
  }

  static Buffer gzip(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  @Override
  public void close() {
    upstream.close();
  }
}
