package dev.bff.common.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.PinnedClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Clients speak HTTP/2 (h2c by prior knowledge, or h2 by ALPN over TLS) to the gateway; upstreams stay HTTP/1.1. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2Test {
  private static final String ROUTES = """
      upstreams:
        svc: { instances: ["${SVC}"], pool: 128 }
      routes:
        - { path: "/api/**", upstream: svc, strip-prefix: /api }
      """;

  FakeUpstream up;
  BffUnderTest bff;
  PinnedClient client;
  final AtomicInteger clientConnections = new AtomicInteger();
  final List<HttpConnection> connections = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    up = FakeUpstream.start(vertx, "svc").handler(Http2Test::report);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (bff != null) {
      bff.close();
    }
    up.close();
  }

  /** Answers with what the upstream saw: protocol, Via, framing and a digest of the body. */
  private static void report(HttpServerRequest req) {
    req.body().onSuccess(b -> report(req, b));
  }

  private static void report(HttpServerRequest req, Buffer b) {
    req.response().putHeader("content-type", "application/json")
        .end(new JsonObject().put("version", req.version().name()).put("via", req.getHeader("via"))
            .put("xfp", req.getHeader("x-forwarded-proto")).put("contentLength", req.getHeader("content-length"))
            .put("transferEncoding", req.getHeader("transfer-encoding")).put("bodySize", b.length())
            .put("sha256", sha256(b)).encode());
  }

  private static String sha256(Buffer b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.getBytes()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private PinnedClient client(Vertx vertx, HttpClientOptions options) {
    client = PinnedClient.of(vertx, vertx.httpClientBuilder().with(options.setDefaultHost("127.0.0.1").setDefaultPort(bff.port()))
        .with(new PoolOptions().setHttp2MaxSize(1).setHttp1MaxSize(1))
        .withConnectHandler(c -> {
          clientConnections.incrementAndGet();
          connections.add(c);
        })
        .build());
    return client;
  }

  private PinnedClient h2c(Vertx vertx) {
    bff = BffUnderTest.start(vertx, ROUTES, Map.of("SVC", up.url()));
    return client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  private record Answer(HttpVersion version, int status, String via, JsonObject body) {}

  private static Future<Answer> answer(HttpClientResponse r) {
    return r.body().map(b -> new Answer(r.version(), r.statusCode(), r.getHeader("via"), b.toJsonObject()));
  }

  private static Answer get(PinnedClient c, String uri) {
    return c.call(h -> h.request(HttpMethod.GET, uri).compose(HttpClientRequest::send).compose(Http2Test::answer))
        .await();
  }

  @Test
  void h2cByPriorKnowledgeIsProxiedToAnHttp11Upstream(Vertx vertx) {
    Answer a = get(h2c(vertx), "/api/items/1");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(a.body().getString("version")).isEqualTo("HTTP_1_1");
    assertThat(a.body().getString("via")).isEqualTo("2 bff");
    assertThat(a.via()).isEqualTo("1.1 bff");
    assertThat(a.body().getString("transferEncoding")).as("a GET without body stays without body").isNull();
    assertThat(a.body().getString("contentLength")).isNull();
  }

  @Test
  void anH2GetIsRetriedOnAnotherInstanceLikeAnHttp11One(Vertx vertx) {
    // a port that was just free again: connections to it are refused
    HttpServer s = vertx.createHttpServer().requestHandler(r -> { }).listen(0, "127.0.0.1").await();
    int refused = s.actualPort();
    s.close().await();
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["http://127.0.0.1:%d", "${SVC}"], retry: { attempts: 1 } }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(refused), Map.of("SVC", up.url()));
    PinnedClient c = client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    for (int i = 0; i < 4; i++) {
      assertThat(get(c, "/api/items/" + i).status()).as("request %d", i).isEqualTo(200);
    }
    assertThat(up.count()).isEqualTo(4);
  }

  @Test
  void theGatewayLimitsConcurrentStreamsPerConnection(Vertx vertx) {
    get(h2c(vertx), "/api/x");
    assertThat(connections).hasSize(1);
    assertThat(connections.get(0).remoteSettings().getMaxConcurrentStreams()).isBetween(1L, 1000L);
  }

  @Test
  void manyConcurrentStreamsOnOneConnectionAllSucceed(Vertx vertx) {
    int n = 64;
    List<Map.Entry<HttpServerRequest, Buffer>> held = new ArrayList<>();
    // the upstream answers nobody until all n requests are in flight at once
    up.handler(req -> req.body().onSuccess(b -> {
      held.add(Map.entry(req, b));
      if (held.size() == n) {
        held.forEach(e -> report(e.getKey(), e.getValue()));
      }
    }));
    PinnedClient c = h2c(vertx);
    List<Future<Answer>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String uri = "/api/items/" + i;
      all.add(c.call(h -> h.request(HttpMethod.GET, uri).compose(HttpClientRequest::send)
          .compose(Http2Test::answer)));
    }
    Future.all(all).timeout(30, TimeUnit.SECONDS).await();
    assertThat(all).allSatisfy(f -> {
      assertThat(f.result().status()).isEqualTo(200);
      assertThat(f.result().version()).isEqualTo(HttpVersion.HTTP_2);
    });
    assertThat(clientConnections.get()).isEqualTo(1);
    assertThat(up.peakInFlight()).isEqualTo(n);
  }

  @Test
  void aPostBodyWithContentLengthReachesTheUpstreamIntact(Vertx vertx) {
    Buffer body = randomBody(1024 * 1024 + 7);
    Answer a = h2c(vertx).call(h -> h.request(HttpMethod.POST, "/api/upload")
        .compose(req -> req.send(body)).compose(Http2Test::answer)).await();
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().getInteger("bodySize")).isEqualTo(body.length());
    assertThat(a.body().getString("sha256")).isEqualTo(sha256(body));
    assertThat(a.body().getString("contentLength")).isEqualTo(Integer.toString(body.length()));
  }

  private static Answer postWithoutLength(PinnedClient c, Buffer body, int chunk) {
    return c.call(h -> h.request(HttpMethod.POST, "/api/upload").compose(req -> {
      req.setChunked(true);
      for (int off = 0; off < body.length(); off += chunk) {
        req.write(body.slice(off, Math.min(body.length(), off + chunk)));
      }
      req.end();
      return req.response();
    }).compose(Http2Test::answer)).await();
  }

  @Test
  void aPostBodyWithoutContentLengthReachesTheUpstreamIntact(Vertx vertx) {
    Buffer body = randomBody(3 * 100_000 + 11);
    Answer a = postWithoutLength(h2c(vertx), body, 100_000);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().getInteger("bodySize")).isEqualTo(body.length());
    assertThat(a.body().getString("sha256")).isEqualTo(sha256(body));
    assertThat(a.body().getString("contentLength")).isNull();
    assertThat(a.body().getString("transferEncoding")).isEqualTo("chunked");
  }

  @Test
  void aSmallPostBodyArrivingWithItsHeadersIsNotLost(Vertx vertx) {
    PinnedClient c = h2c(vertx);
    Buffer body = Buffer.buffer("{\"tiny\":true}");
    Answer a = postWithoutLength(c, body, 1024);
    assertThat(a.body().getInteger("bodySize")).isEqualTo(body.length());
    assertThat(a.body().getString("sha256")).isEqualTo(sha256(body));
    Answer empty = postWithoutLength(c, Buffer.buffer(), 1024);
    assertThat(empty.status()).isEqualTo(200);
    assertThat(empty.body().getInteger("bodySize")).isZero();
  }

  private BffUnderTest tlsGateway(Vertx vertx) {
    SelfSignedCertificate cert = SelfSignedCertificate.create();
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1, tls: { cert: "%s", key: "%s" } }
        """.formatted(cert.certificatePath(), cert.privateKeyPath()) + ROUTES, Map.of("SVC", up.url()));
    return bff;
  }

  @Test
  void overTlsAlpnNegotiatesH2(Vertx vertx) {
    tlsGateway(vertx);
    PinnedClient c = client(vertx, new HttpClientOptions().setSsl(true).setUseAlpn(true).setTrustAll(true)
        .setVerifyHost(false).setProtocolVersion(HttpVersion.HTTP_2));
    Answer a = get(c, "/api/secure");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(connections.get(0).isSsl()).isTrue();
    assertThat(a.body().getString("version")).isEqualTo("HTTP_1_1");
    assertThat(a.body().getString("via")).isEqualTo("2 bff");
    assertThat(a.body().getString("xfp")).isEqualTo("https");
  }

  @Test
  void overTlsAnHttp11ClientWorksToo(Vertx vertx) {
    tlsGateway(vertx);
    PinnedClient c = client(vertx, new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
    Answer a = get(c, "/api/secure");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.version()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(a.body().getString("via")).isEqualTo("1.1 bff");
    assertThat(a.body().getString("xfp")).isEqualTo("https");
  }

  private static Buffer randomBody(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Buffer.buffer(bytes);
  }
}
