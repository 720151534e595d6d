package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Load;
import dev.bff.common.testing.PinnedClient;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestCerts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway speaks HTTP/2 to upstreams with {@code protocol: h2c} (clear text, prior knowledge)
 * or {@code protocol: h2} (TLS, ALPN): what the upstream sees (version, connections, streams at
 * once, headers) for routes, composed parts, retries and health checks.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UpstreamHttp2Test {
  @TempDir
  Path dir;
  FakeUpstream up;
  BffUnderTest bff;
  /** What the upstream saw, one entry per request: path, version, authority, host, TLS, header names. */
  final List<JsonObject> seen = new CopyOnWriteArrayList<>();
  /** Answers the upstream holds back until {@link #release} is due. */
  private final List<Runnable> held = new ArrayList<>();
  private boolean released;

  @AfterEach
  void stop() {
    if (bff != null) {
      bff.close();
    }
    if (up != null) {
      up.close();
    }
  }

  private FakeUpstream h2cUpstream(Vertx vertx) {
    // a Vert.x server takes HTTP/2 by prior knowledge on its clear-text port (http2ClearTextEnabled)
    up = FakeUpstream.start(vertx, "svc").handler(this::answer);
    return up;
  }

  private FakeUpstream tlsUpstream(Vertx vertx, TestCerts.Issued cert, boolean alpn) {
    up = FakeUpstream.start(vertx, "tls", new HttpServerOptions().setSsl(true).setUseAlpn(alpn)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.certFile()).setKeyPath(cert.keyFile())),
        "127.0.0.1", 0).handler(this::answer);
    return up;
  }

  /** Records the request and answers with what it saw, after reading the body (its size and digest too). */
  private void answer(HttpServerRequest req) {
    JsonObject saw = record(req);
    req.body().onSuccess(b -> reply(req, saw, b));
  }

  private JsonObject record(HttpServerRequest req) {
    JsonObject saw = new JsonObject().put("path", req.path()).put("version", req.version().name())
        .put("authority", req.authority() == null ? null : req.authority().toString())
        .put("host", req.getHeader("host")).put("ssl", req.isSSL())
        .put("connection", System.identityHashCode(req.connection()))
        .put("headers", new JsonObject(req.headers().names().stream()
            .collect(Collectors.toMap(n -> n.toLowerCase(Locale.ROOT), req.headers()::get, (a, b) -> a))));
    seen.add(saw);
    return saw;
  }

  private static void reply(HttpServerRequest req, JsonObject saw, Buffer body) {
    req.response().putHeader("content-type", "application/json")
        .end(saw.copy().put("bodySize", body.length()).put("sha256", sha256(body)).encode());
  }

  /**
   * Holds every answer until {@code n} requests are in flight at once (or 10 s passed), then
   * {@code linger} ms more (time for any request beyond a limit to show up), then answers all of
   * them and every later request at once.
   */
  private void holdUntil(Vertx vertx, int n, long linger) {
    up.handler(req -> {
      JsonObject saw = record(req);
      Future<Buffer> body = req.body(); // read now: a request that has ended cannot be read later
      Runnable reply = () -> body.onSuccess(b -> reply(req, saw, b));
      boolean hold;
      boolean due = false;
      synchronized (held) {
        hold = !released;
        if (hold) {
          held.add(reply);
          due = held.size() == n;
        }
      }
      if (!hold) {
        reply.run();
      } else if (due) {
        vertx.setTimer(linger, id -> release());
      }
    });
    vertx.setTimer(10_000, id -> release());
  }

  private void release() {
    List<Runnable> all;
    synchronized (held) {
      if (released) {
        return;
      }
      released = true;
      all = new ArrayList<>(held);
    }
    all.forEach(Runnable::run);
  }

  private BffUnderTest gateway(Vertx vertx, String upstream, String url) {
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["%s"], %s }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
          - { path: "/kept/**", upstream: svc, strip-prefix: /kept, preserve-host: true }
          - path: "/edited/**"
            upstream: svc
            strip-prefix: /edited
            request-headers:
              set: { Connection: "close, X-Drop", X-Drop: "1", Keep-Alive: "timeout=5", Upgrade: websocket,
                     Proxy-Connection: keep-alive, TE: trailers, X-Keep: "1" }
        endpoints:
          page:
            path: /page/:id
            parts:
              item:  { upstream: svc, path: "/items/{id}", required: true }
              stock: { upstream: svc, path: "/stock/{id}", required: true }
        """.formatted(url, upstream), Map.of());
    return bff;
  }

  private List<JsonObject> seenAt(String prefix) {
    return seen.stream().filter(s -> s.getString("path").startsWith(prefix)).toList();
  }

  @Test
  void fiftyConcurrentRequestsShareOneH2cConnection(Vertx vertx) {
    h2cUpstream(vertx);
    holdUntil(vertx, 50, 100);
    gateway(vertx, "protocol: h2c", up.url());
    List<BffUnderTest.Response> all = Load.get(vertx, bff.port(), "/api/items", 50, 50);
    assertThat(all).hasSize(50).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    assertThat(seen).hasSize(50).allSatisfy(s -> {
      assertThat(s.getString("version")).isEqualTo("HTTP_2");
      assertThat(s.getString("authority")).isEqualTo("127.0.0.1:" + up.port());
    });
    assertThat(up.connections()).as("HTTP/2 connections to the upstream").isEqualTo(1);
    assertThat(up.peakInFlight()).as("streams in flight at once on it").isEqualTo(50);
  }

  @Test
  void maxStreamsCapsEachConnectionAndPoolCountsHttp2Connections(Vertx vertx) {
    h2cUpstream(vertx);
    holdUntil(vertx, 10, 300);
    gateway(vertx, "protocol: h2c, pool: 2, max-streams: 5", up.url());
    List<BffUnderTest.Response> all = Load.get(vertx, bff.port(), "/api/items", 20, 20);
    assertThat(all).hasSize(20).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    assertThat(up.connections()).isEqualTo(2);
    assertThat(up.peakInFlight()).as("2 connections of 5 streams; the rest wait in the queue").isEqualTo(10);
    assertThat(seen).allSatisfy(s -> assertThat(s.getString("version")).isEqualTo("HTTP_2"));
  }

  @Test
  void aRouteAndAComposedEndpointWorkOverH2c(Vertx vertx) {
    h2cUpstream(vertx);
    gateway(vertx, "protocol: h2c", up.url());
    BffUnderTest.Response r = bff.get("/api/items/1?x=1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("path")).isEqualTo("/items/1");
    assertThat(r.header("via")).as("the response's hop").isEqualTo("2 bff");
    BffUnderTest.Response page = bff.get("/page/7");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.json().getJsonObject("item").getString("path")).isEqualTo("/items/7");
    assertThat(page.json().getJsonObject("stock").getString("path")).isEqualTo("/stock/7");
    assertThat(seen).hasSize(3).allSatisfy(s -> {
      assertThat(s.getString("version")).isEqualTo("HTTP_2");
      assertThat(s.getString("host")).as("the authority travels as :authority only").isNull();
    });
    assertThat(up.connections()).isEqualTo(1);
  }

  @Test
  void connectionSpecificHeadersAreNotSentOverHttp2(Vertx vertx) {
    h2cUpstream(vertx);
    gateway(vertx, "protocol: h2c", up.url());
    BffUnderTest.Response r = bff.get("/edited/x");
    assertThat(r.status()).isEqualTo(200);
    JsonObject headers = r.json().getJsonObject("headers");
    assertThat(headers.fieldNames()).doesNotContain("connection", "x-drop", "keep-alive", "upgrade",
        "proxy-connection", "transfer-encoding", "host");
    assertThat(headers.getString("te")).as("the one TE value HTTP/2 allows").isEqualTo("trailers");
    assertThat(headers.getString("x-keep")).isEqualTo("1");
    assertThat(r.json().getString("version")).isEqualTo("HTTP_2");
  }

  @Test
  void aPreservedHostBecomesTheAuthority(Vertx vertx) {
    h2cUpstream(vertx);
    gateway(vertx, "protocol: h2c", up.url());
    BffUnderTest.Response r = bff.get("/kept/x", Map.of("Host", "shop.example.com:8443"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("authority")).isEqualTo("shop.example.com:8443");
    assertThat(r.json().getString("host")).isNull();
  }

  @Test
  void bodiesWithAndWithoutLengthReachAnH2cUpstreamIntact(Vertx vertx) {
    h2cUpstream(vertx);
    gateway(vertx, "protocol: h2c", up.url());
    Buffer body = randomBody(3 * 1024 * 1024 + 17);
    BffUnderTest.Response r = bff.send(HttpMethod.POST, "/api/upload", Map.of("content-type", "application/octet-stream"),
        body);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getInteger("bodySize")).isEqualTo(body.length());
    assertThat(r.json().getString("sha256")).isEqualTo(sha256(body));
    JsonObject chunked;
    try (PinnedClient c = PinnedClient.create(vertx)) {
      chunked = c.call(h -> h.request(HttpMethod.POST, bff.port(), "127.0.0.1", "/api/upload").compose(req -> {
        req.setChunked(true);
        for (int off = 0; off < body.length(); off += 100_000) {
          req.write(body.slice(off, Math.min(body.length(), off + 100_000)));
        }
        req.end();
        return req.response();
      }).compose(resp -> resp.body())).timeout(60, TimeUnit.SECONDS).await().toJsonObject();
    }
    assertThat(chunked.getInteger("bodySize")).isEqualTo(body.length());
    assertThat(chunked.getString("sha256")).isEqualTo(sha256(body));
    assertThat(chunked.getJsonObject("headers").fieldNames()).doesNotContain("transfer-encoding", "content-length");
    assertThat(seen).allSatisfy(s -> assertThat(s.getString("version")).isEqualTo("HTTP_2"));
  }

  @Test
  void aRetryGoesOutOnAnotherHttp2Connection(Vertx vertx) {
    h2cUpstream(vertx);
    Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    up.handler(req -> {
      if (failedOnce.add(req.path())) { // each path's first try
        record(req).put("status", 503);
        req.response().setStatusCode(503).end();
      } else {
        answer(req);
      }
    });
    gateway(vertx, "protocol: h2c, retry: { attempts: 1, on-status: [503] }", up.url());
    assertThat(bff.get("/api/once").status()).isEqualTo(200);
    assertThat(bff.get("/page/1").status()).as("the endpoint's calls retry too").isEqualTo(200);
    assertThat(seen).hasSize(6).allSatisfy(s -> assertThat(s.getString("version")).isEqualTo("HTTP_2"));
    for (String path : List.of("/once", "/items/1", "/stock/1")) {
      List<JsonObject> tries = seenAt(path);
      assertThat(tries).as(path).hasSize(2);
      assertThat(tries.get(0).getInteger("status")).isEqualTo(503);
      assertThat(tries.get(1).getInteger("connection")).as("%s retried on another connection", path)
          .isNotEqualTo(tries.get(0).getInteger("connection"));
    }
  }

  @Test
  void aTimedOutStreamIsResetWhileItsConnectionServesOn(Vertx vertx) {
    h2cUpstream(vertx);
    List<String> resets = new CopyOnWriteArrayList<>();
    up.handler(req -> {
      if (req.path().equals("/slow")) {
        record(req);
        req.response().exceptionHandler(t -> resets.add(t.getClass().getSimpleName())); // never answered
      } else {
        answer(req);
      }
    });
    gateway(vertx, "protocol: h2c, response-timeout: 300ms, outlier: { consecutive-failures: 0 }", up.url());
    assertThat(bff.get("/api/slow").status()).isEqualTo(504);
    Poll.until("the upstream to see the stream reset", Duration.ofSeconds(10), () -> !resets.isEmpty());
    assertThat(resets).containsExactly("StreamResetException");
    assertThat(bff.get("/api/fast").status()).isEqualTo(200);
    assertThat(up.connections()).as("the reset closed one stream, not the connection").isEqualTo(1);
  }

  @Test
  void healthChecksSpeakHttp2Too(Vertx vertx) {
    h2cUpstream(vertx);
    gateway(vertx, "protocol: h2c, health-check: { path: /health, interval: 200ms }", up.url());
    Poll.until("two health checks", Duration.ofSeconds(30), () -> seenAt("/health").size() >= 2);
    assertThat(seenAt("/health")).allSatisfy(s -> assertThat(s.getString("version")).isEqualTo("HTTP_2"));
    assertThat(bff.get("/api/x").status()).isEqualTo(200);
  }

  @Test
  void h2OverTlsIsAgreedThroughAlpnAndMultiplexes(Vertx vertx) {
    TestCerts certs = new TestCerts(dir);
    TestCerts.Issued ca = certs.ca("upstream-ca");
    tlsUpstream(vertx, certs.server("upstream", ca), true);
    holdUntil(vertx, 20, 100);
    gateway(vertx, "protocol: h2, tls: { ca: \"" + ca.certFile() + "\" }", "https://127.0.0.1:" + up.port());
    List<BffUnderTest.Response> all = Load.get(vertx, bff.port(), "/api/items", 20, 20);
    assertThat(all).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    assertThat(up.connections()).isEqualTo(1);
    assertThat(up.peakInFlight()).isEqualTo(20);
    BffUnderTest.Response page = bff.get("/page/3");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.json().getJsonObject("item").getString("version")).isEqualTo("HTTP_2");
    assertThat(seen).hasSize(22).allSatisfy(s -> {
      assertThat(s.getString("version")).isEqualTo("HTTP_2");
      assertThat(s.getBoolean("ssl")).isTrue();
    });
  }

  @Test
  void anH2UpstreamWithoutAlpnIsSpokenToInHttp11(Vertx vertx) {
    TestCerts certs = new TestCerts(dir);
    TestCerts.Issued ca = certs.ca("upstream-ca");
    tlsUpstream(vertx, certs.server("upstream", ca), false);
    gateway(vertx, "protocol: h2, tls: { ca: \"" + ca.certFile() + "\" }", "https://127.0.0.1:" + up.port());
    BffUnderTest.Response r = bff.get("/api/x");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("version")).isEqualTo("HTTP_1_1");
    assertThat(bff.get("/page/1").status()).isEqualTo(200);
  }

  private static Buffer randomBody(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Buffer.buffer(bytes);
  }

  private static String sha256(Buffer b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.getBytes()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
