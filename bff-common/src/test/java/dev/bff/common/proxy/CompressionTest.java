package dev.bff.common.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.PinnedClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Response compression: only what the client accepts, only compressible types, only bodies worth it. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class CompressionTest {
  private static final Buffer JSON = json(8 * 1024);

  FakeUpstream up;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    up = FakeUpstream.start(vertx, "svc").handler(req -> answer(req.response(), "application/json", JSON));
  }

  @AfterEach
  void stop() {
    if (bff != null) {
      bff.close();
    }
    up.close();
  }

  private static void answer(HttpServerResponse resp, String type, Buffer body) {
    resp.putHeader("content-type", type).end(body);
  }

  private static Buffer json(int atLeast) {
    JsonArray items = new JsonArray();
    for (int i = 0; items.encode().length() < atLeast; i++) {
      items.add(new JsonObject().put("id", i).put("name", "product " + i).put("price", 10 + i));
    }
    return Buffer.buffer(items.encode());
  }

  private BffUnderTest gateway(Vertx vertx, String compression) {
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1, compression: %s }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(compression), Map.of("SVC", up.url()));
    return bff;
  }

  private BffUnderTest gateway(Vertx vertx) {
    return gateway(vertx, "{ min-size: 1KB }");
  }

  private static byte[] read(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  private static Buffer gunzip(Buffer b) throws IOException {
    return Buffer.buffer(read(new GZIPInputStream(new ByteArrayInputStream(b.getBytes()))));
  }

  @Test
  void jsonIsGzippedForAClientThatAcceptsGzip(Vertx vertx) throws IOException {
    var r = gateway(vertx).get("/api/items", Map.of("Accept-Encoding", "gzip"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-encoding")).isEqualTo("gzip");
    assertThat(r.body().length()).isLessThan(JSON.length() / 2);
    assertThat(gunzip(r.body())).isEqualTo(JSON);
    assertThat(r.header("content-length")).isIn(null, Integer.toString(r.body().length()));
    assertThat(r.header("vary")).isEqualTo("Accept-Encoding");
  }

  @Test
  void jsonIsDeflatedWhenOnlyDeflateIsAccepted(Vertx vertx) throws IOException {
    var r = gateway(vertx).get("/api/items", Map.of("Accept-Encoding", "deflate"));
    assertThat(r.header("content-encoding")).isEqualTo("deflate");
    assertThat(Buffer.buffer(read(new InflaterInputStream(new ByteArrayInputStream(r.body().getBytes())))))
        .isEqualTo(JSON);
  }

  @Test
  void nothingIsCompressedWithoutAcceptEncoding(Vertx vertx) {
    var r = gateway(vertx).get("/api/items");
    assertThat(r.header("content-encoding")).isNull();
    assertThat(r.body()).isEqualTo(JSON);
    assertThat(r.header("vary")).as("the response still varies by Accept-Encoding").isEqualTo("Accept-Encoding");
  }

  @Test
  void imagesAndBinaryAreSentAsTheyAreWithoutAnIdentityMarker(Vertx vertx) {
    Buffer bytes = Buffer.buffer(new byte[16 * 1024]);
    gateway(vertx);
    PinnedClient http = PinnedClient.create(vertx);
    for (String type : new String[] {"image/png", "application/octet-stream"}) {
      up.handler(req -> answer(req.response(), type, bytes));
      var r = http.get(bff.port(), "/api/blob", Map.of("Accept-Encoding", "gzip, deflate"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.headers().getAll("content-encoding")).as(type).isEmpty();
      assertThat(r.header("vary")).as(type).isNull();
      assertThat(r.header("content-type")).isEqualTo(type);
      assertThat(r.body()).isEqualTo(bytes);
    }
    http.close();
  }

  @Test
  void anAlreadyGzippedUpstreamBodyPassesThroughUntouched(Vertx vertx) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(JSON.getBytes());
    }
    Buffer gzipped = Buffer.buffer(out.toByteArray());
    up.handler(req -> req.response().putHeader("content-encoding", "gzip")
        .putHeader("content-type", "application/json").end(gzipped));
    var r = gateway(vertx).get("/api/items", Map.of("Accept-Encoding", "gzip"));
    assertThat(r.headers().getAll("content-encoding")).containsExactly("gzip");
    assertThat(r.body()).isEqualTo(gzipped);
  }

  @Test
  void bodiesUnderMinSizeAreNotCompressed(Vertx vertx) {
    Buffer small = Buffer.buffer("{\"id\":7,\"name\":\"small\"}");
    up.handler(req -> answer(req.response(), "application/json", small));
    var r = gateway(vertx).get("/api/items/7", Map.of("Accept-Encoding", "gzip"));
    assertThat(r.header("content-encoding")).isNull();
    assertThat(r.body()).isEqualTo(small);
  }

  @Test
  void aLargeBodyStreamedInSmallChunksIsCompressedToo(Vertx vertx) throws IOException {
    up.handler(req -> {
      HttpServerResponse resp = req.response().setChunked(true).putHeader("content-type", "application/json");
      for (int off = 0; off < JSON.length(); off += 200) {
        resp.write(JSON.slice(off, Math.min(JSON.length(), off + 200)));
      }
      resp.end();
    });
    var r = gateway(vertx).get("/api/items", Map.of("Accept-Encoding", "gzip"));
    assertThat(r.header("content-encoding")).isEqualTo("gzip");
    assertThat(gunzip(r.body())).isEqualTo(JSON);
  }

  @Test
  void compressionCanBeSwitchedOff(Vertx vertx) {
    var r = gateway(vertx, "{ enabled: false }").get("/api/items", Map.of("Accept-Encoding", "gzip, deflate"));
    assertThat(r.header("content-encoding")).isNull();
    assertThat(r.body()).isEqualTo(JSON);
  }

  @Test
  void overHttp2TheSameRulesHold(Vertx vertx) throws IOException {
    gateway(vertx);
    PinnedClient h2 = PinnedClient.create(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    try {
      var json = get(h2, "/api/items");
      assertThat(json.header("content-encoding")).isEqualTo("gzip");
      assertThat(gunzip(json.body())).isEqualTo(JSON);
      Buffer png = Buffer.buffer(new byte[4096]);
      up.handler(req -> answer(req.response(), "image/png", png));
      var image = get(h2, "/api/logo.png");
      assertThat(image.headers().getAll("content-encoding")).isEmpty();
      assertThat(image.body()).isEqualTo(png);
      Buffer small = Buffer.buffer("{\"id\":7}");
      up.handler(req -> answer(req.response(), "application/json", small));
      var tiny = get(h2, "/api/items/7");
      assertThat(tiny.headers().getAll("content-encoding")).as("under min-size").isEmpty();
      assertThat(tiny.body()).isEqualTo(small);
    } finally {
      h2.close();
    }
  }

  private BffUnderTest.Response get(PinnedClient c, String uri) {
    return c.get(bff.port(), uri, Map.of("Accept-Encoding", "gzip"));
  }

}
