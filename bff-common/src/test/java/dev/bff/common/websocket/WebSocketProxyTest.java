package dev.bff.common.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.FakeWebSocketUpstream;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.Scrape;
import dev.bff.common.testing.TestClient;
import dev.bff.common.testing.TestIdentity;
import dev.bff.common.testing.TestWebSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** WebSocket routes through a real gateway: a Vert.x WebSocket upstream, Vert.x WebSocket clients. */
@ExtendWith(VertxExtension.class)
@Timeout(90)
class WebSocketProxyTest {
  static final String YAML = """
      server: { port: 0, admin-port: 0, instances: 1 }
      auth:
        jwt:
          claims-to-headers: { sub: X-User-Id }
          issuers:
            - { issuer: "https://idp.test", audiences: [bff-test], jwks-url: "${IDP}/jwks" }
        api-keys:
          keys:
            - { id: acme-1, sha256: "${ACME_SHA256}", partner: acme }
      upstreams:
        ws: { instances: ["${WS}"], response-timeout: 2s }
        nowhere: { instances: ["http://127.0.0.1:${CLOSED_PORT}"], connect-timeout: 1s }
        blunt: { instances: ["http://127.0.0.1:${BLUNT_PORT}"] }
        silent: { instances: ["http://127.0.0.1:${SILENT_PORT}"], response-timeout: 300ms }
      routes:
        - { id: live, path: "/api/live/:id", upstream: ws, rewrite: "/stream/{id}", auth: public, websocket: {} }
        - { id: small, path: "/api/small/**", upstream: ws, strip-prefix: /api, auth: public,
            websocket: { max-frame-size: 1KB, max-message-size: 4KB } }
        - { id: quiet, path: "/api/quiet/**", upstream: ws, strip-prefix: /api, auth: public,
            websocket: { idle-timeout: 400ms } }
        - { id: secure, path: "/api/secure/**", upstream: ws, strip-prefix: /api, websocket: {} }
        - { id: partner, path: "/api/partner/**", upstream: ws, strip-prefix: /api, auth: api-key, websocket: {} }
        - { id: gone, path: "/api/gone/**", upstream: nowhere, strip-prefix: /api, auth: public, websocket: {} }
        - { id: blunt, path: "/api/blunt/**", upstream: blunt, strip-prefix: /api, auth: public,
            websocket: { idle-timeout: 1s } }
        - { id: silent, path: "/api/silent/**", upstream: silent, strip-prefix: /api, auth: public, websocket: {} }
      """;

  static final String ACME_KEY = "ak_test_acme_9c1f0e2d7b";

  Vertx vertx;
  FakeWebSocketUpstream up;
  FakeUpstream idp;
  NetServer blunt;
  NetServer silent;
  final TestIdentity identity = new TestIdentity();
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    up = FakeWebSocketUpstream.start(vertx);
    idp = FakeUpstream.start(vertx, "idp").handler(req -> req.response().putHeader("content-type", "application/json")
        .end(identity.jwks().encode()));
    FakeUpstream closed = FakeUpstream.start(vertx, "closed");
    String closedPort = Integer.toString(closed.port());
    closed.close(); // nothing listens there any more
    blunt = closingAtOnce(vertx);
    silent = vertx.createNetServer().connectHandler(so -> so.handler(b -> { })).listen(0, "127.0.0.1").await();
    bff = BffUnderTest.start(vertx, YAML, Map.of("WS", up.url(), "IDP", idp.url(), "CLOSED_PORT", closedPort,
        "BLUNT_PORT", Integer.toString(blunt.actualPort()), "SILENT_PORT", Integer.toString(silent.actualPort()),
        "ACME_SHA256", sha256(ACME_KEY)));
  }

  @AfterEach
  void stop() {
    bff.close();
    up.close();
    idp.close();
    blunt.close().await();
    silent.close().await();
  }

  /**
   * An upstream that answers a handshake with its 101 and a close frame (4003, "not today") in one
   * write, so they arrive together.
   */
  private static NetServer closingAtOnce(Vertx vertx) {
    NetServer s = vertx.createNetServer().connectHandler(so -> {
      Buffer head = Buffer.buffer();
      so.handler(b -> {
        head.appendBuffer(b);
        String h = head.toString(StandardCharsets.ISO_8859_1);
        if (!h.contains("\r\n\r\n")) {
          return;
        }
        String key = h.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
        byte[] reason = "not today".getBytes(StandardCharsets.UTF_8);
        Buffer out = Buffer.buffer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n")
            .appendByte((byte) 0x88).appendByte((byte) (2 + reason.length)).appendShort((short) 4003)
            .appendBytes(reason);
        so.write(out);
      });
    });
    return s.listen(0, "127.0.0.1").await();
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String accept(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1")
          .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private TestWebSocket connect(String uri) {
    return TestWebSocket.connect(vertx, bff.port(), uri, Map.of());
  }

  /** The refusal of a handshake that must not upgrade. */
  private UpgradeRejectedException refused(String uri, Map<String, String> headers) {
    Future<TestWebSocket> f = TestWebSocket.open(vertx, bff.port(), uri, headers, List.of());
    try {
      f.await(TestClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      assertThat(e).isInstanceOf(UpgradeRejectedException.class);
      return (UpgradeRejectedException) e;
    }
    throw new AssertionError("the handshake to " + uri + " was accepted");
  }

  @Test
  void textBinaryAndFragmentedFramesAreRelayedBothWaysAsSent() {
    try (TestWebSocket ws = connect("/api/live/42")) {
      ws.text("hello");
      assertThat(ws.next()).isEqualTo(new TestWebSocket.Frame(WebSocketFrameType.TEXT, true, Buffer.buffer("hello")));
      Buffer bytes = Buffer.buffer(new byte[] {0, 1, 2, (byte) 0xff});
      ws.binary(bytes);
      assertThat(ws.next()).isEqualTo(new TestWebSocket.Frame(WebSocketFrameType.BINARY, true, bytes));

      ws.socket().writeFrame(WebSocketFrame.textFrame("frag", false));
      ws.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("men"), false));
      ws.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("ted"), true));
      assertThat(List.of(ws.next(), ws.next(), ws.next())).containsExactly(
          new TestWebSocket.Frame(WebSocketFrameType.TEXT, false, Buffer.buffer("frag")),
          new TestWebSocket.Frame(WebSocketFrameType.CONTINUATION, false, Buffer.buffer("men")),
          new TestWebSocket.Frame(WebSocketFrameType.CONTINUATION, true, Buffer.buffer("ted")));
      assertThat(up.frames()).extracting(FakeWebSocketUpstream.Frame::type).containsExactly(WebSocketFrameType.TEXT,
          WebSocketFrameType.BINARY, WebSocketFrameType.TEXT, WebSocketFrameType.CONTINUATION,
          WebSocketFrameType.CONTINUATION);
    }
  }

  @Test
  void theUpstreamHandshakeHasTheRewrittenPathForwardingHeadersAndTheChosenSubprotocol() throws Exception {
    TestWebSocket ws = TestClient.await(TestWebSocket.open(vertx, bff.port(), "/api/live/42?from=7",
        Map.of("X-Request-Id", "req-ws-1", "Origin", "https://shop.example"), List.of("v2.chat", "v1.chat")),
        "the handshake");
    try (ws) {
      assertThat(ws.subProtocol()).isEqualTo("v1.chat");
      FakeWebSocketUpstream.Handshake h = up.handshakes().get(0);
      assertThat(h.uri()).isEqualTo("/stream/42?from=7");
      assertThat(h.headers().get("x-forwarded-for")).isEqualTo("127.0.0.1");
      assertThat(h.headers().get("x-forwarded-proto")).isEqualTo("http");
      assertThat(h.headers().get("x-request-id")).isEqualTo("req-ws-1");
      assertThat(h.headers().get("via")).isEqualTo("1.1 bff");
      assertThat(h.headers().get("origin")).isEqualTo("https://shop.example");
      assertThat(h.headers().get("sec-websocket-protocol")).isEqualTo("v2.chat,v1.chat");
      assertThat(h.headers().getAll("sec-websocket-key")).hasSize(1);
      assertThat(h.headers().get("sec-websocket-extensions")).isNull();
      ws.text("after the handshake");
      assertThat(ws.next().text()).isEqualTo("after the handshake");
    }
  }

  @Test
  void pingsAreAnsweredAndRelayedAndPongsRelayed() {
    try (TestWebSocket ws = connect("/api/live/1")) {
      ws.socket().writePing(Buffer.buffer("are you there"));
      Poll.until("a pong", Duration.ofSeconds(10), () -> !ws.pongs().isEmpty());
      assertThat(ws.pongs().peek().toString()).isEqualTo("are you there");
      Poll.until("the ping upstream", Duration.ofSeconds(10),
          () -> up.frames().stream().anyMatch(f -> f.type() == WebSocketFrameType.PING));
      up.sockets().get(0).writeFrame(WebSocketFrame.pongFrame(Buffer.buffer("unsolicited")));
      Poll.until("the upstream's pong", Duration.ofSeconds(10),
          () -> ws.pongs().stream().anyMatch(b -> b.toString().equals("unsolicited")));
    }
  }

  @Test
  void aFrameOverMaxFrameSizeClosesTheClientWith1009AndTheUpstreamWith1001() {
    try (TestWebSocket ws = connect("/api/small/x")) {
      ws.binary(Buffer.buffer(new byte[1024]));
      assertThat(ws.next().data().length()).isEqualTo(1024);
      ws.binary(Buffer.buffer(new byte[1025]));
      TestWebSocket.Close c = ws.closed();
      assertThat(c.code()).isEqualTo(1009);
      assertThat(c.reason()).contains("1025 bytes").contains("max-frame-size 1024");
      FakeWebSocketUpstream.Close u = poll(up.closes());
      assertThat(u.code()).isEqualTo(1001);
      assertThat(up.frames()).hasSize(1);
    }
  }

  @Test
  void aFragmentedMessageOverMaxMessageSizeClosesWith1009() {
    try (TestWebSocket ws = connect("/api/small/x")) {
      ws.socket().writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[1000]), false));
      for (int i = 0; i < 4; i++) {
        ws.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[1000]), false));
      }
      TestWebSocket.Close c = ws.closed();
      assertThat(c.code()).isEqualTo(1009);
      assertThat(c.reason()).contains("max-message-size 4096");
      assertThat(poll(up.closes()).code()).isEqualTo(1001);
      assertThat(up.frames()).as("the frames within the limit went on").hasSize(4);
    }
  }

  @Test
  void aFrameOverTheListenersDecoderLimitIsClosedWith1009Too() {
    try (TestWebSocket ws = connect("/api/live/1")) {
      ws.binary(Buffer.buffer(new byte[300 * 1024])); // the listener decodes frames up to 256 KB
      assertThat(ws.closed().code()).isEqualTo(1009);
      assertThat(poll(up.closes()).code()).isEqualTo(1001);
    }
  }

  @Test
  void withoutAValidTokenTheHandshakeIs401AndTheUpstreamNeverContacted() {
    UpgradeRejectedException none = refused("/api/secure/feed", Map.of());
    assertThat(none.getStatus()).isEqualTo(401);
    assertThat(none.getHeaders().get("content-type")).isEqualTo("application/problem+json");
    assertThat(none.getHeaders().get("upgrade")).isNull();
    assertThat(new JsonObject(none.getBody()).getString("type")).endsWith("/unauthorized");
    UpgradeRejectedException bad = refused("/api/secure/feed", Map.of("Authorization", "Bearer not.a.token"));
    assertThat(bad.getStatus()).isEqualTo(401);
    assertThat(bad.getHeaders().get("www-authenticate")).contains("invalid_token");
    assertThat(up.handshakes()).isEmpty();

    try (TestWebSocket ws = TestWebSocket.connect(vertx, bff.port(), "/api/secure/feed",
        Map.of("Authorization", "Bearer " + identity.token("RS256", "u7")))) {
      ws.text("hi");
      assertThat(ws.next().text()).isEqualTo("hi");
      assertThat(up.handshakes().get(0).headers().get("x-user-id")).isEqualTo("u7");
      assertThat(up.handshakes().get(0).uri()).isEqualTo("/secure/feed");
    }
  }

  @Test
  void anApiKeyRouteRefusesAHandshakeWithoutAKeyAndKeepsTheKeyAtTheGateway() {
    assertThat(refused("/api/partner/feed", Map.of()).getStatus()).isEqualTo(401);
    assertThat(refused("/api/partner/feed", Map.of("X-Api-Key", "ak_test_nobody")).getStatus()).isEqualTo(401);
    assertThat(up.handshakes()).isEmpty();
    try (TestWebSocket ws = TestWebSocket.connect(vertx, bff.port(), "/api/partner/feed",
        Map.of("X-Api-Key", ACME_KEY))) {
      ws.text("hello partner");
      assertThat(ws.next().text()).isEqualTo("hello partner");
      assertThat(up.handshakes().get(0).headers().get("x-api-key")).isNull();
    }
  }

  @Test
  void anIdleTunnelIsClosedOnBothSidesWith1001() {
    try (TestWebSocket ws = connect("/api/quiet/x")) {
      ws.text("one");
      assertThat(ws.next().text()).isEqualTo("one");
      long start = System.nanoTime();
      TestWebSocket.Close c = ws.closed();
      assertThat(c.code()).isEqualTo(1001);
      assertThat(c.reason()).isEqualTo("idle for 400 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
      FakeWebSocketUpstream.Close u = poll(up.closes());
      assertThat(u.code()).isEqualTo(1001);
      assertThat(u.reason()).isEqualTo("idle for 400 ms");
    }
  }

  @Test
  void theClientClosingClosesTheUpstreamWithTheSameCodeAndReason() {
    try (TestWebSocket ws = connect("/api/live/1")) {
      ws.text("x");
      ws.next();
      ws.socket().close((short) 4000, "bye now");
      assertThat(poll(up.closes())).isEqualTo(new FakeWebSocketUpstream.Close(4000, "bye now"));
      assertThat(ws.closed().code()).isEqualTo(4000);
    }
  }

  @Test
  void theUpstreamClosingClosesTheClientWithTheSameCodeAndReason() {
    try (TestWebSocket ws = connect("/api/live/1")) {
      ws.text("x");
      ws.next();
      up.sockets().get(0).close((short) 4001, "stream over");
      assertThat(ws.closed()).isEqualTo(new TestWebSocket.Close(4001, "stream over"));
      ws.gone();
    }
  }

  @Test
  void anUpstreamThatSendsAndClosesAtOnceDeliversEverythingBeforeTheClose() {
    up.onOpen(false, s -> {
      s.writeTextMessage("first");
      s.writeTextMessage("second");
      s.close((short) 1000, "done");
    });
    try (TestWebSocket ws = connect("/api/live/1")) {
      assertThat(ws.next().text()).isEqualTo("first");
      assertThat(ws.next().text()).isEqualTo("second");
      assertThat(ws.closed()).isEqualTo(new TestWebSocket.Close(1000, "done"));
    }
  }

  @Test
  void anUpstreamClosingWithItsHandshakeClosesTheClientWithItsCodeAndReason() {
    try (TestWebSocket ws = connect("/api/blunt/x")) {
      assertThat(ws.closed()).isEqualTo(new TestWebSocket.Close(4003, "not today"));
      ws.gone();
    }
    Poll.until("the tunnel to end", Duration.ofSeconds(10),
        () -> Scrape.of(bff).value("bff_websockets_open", "route", "blunt") == 0.0);
  }

  @Test
  void aClientThatDoesNotReadPausesTheUpstreamProducer() {
    long total = 64L * 1024 * 1024;
    Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
    AtomicLong produced = new AtomicLong();
    AtomicBoolean full = new AtomicBoolean();
    up.onOpen(false, s -> new Object() {
      void pump() {
        while (!s.writeQueueFull() && produced.get() < total) {
          s.writeFrame(WebSocketFrame.binaryFrame(chunk, true));
          produced.addAndGet(chunk.length());
        }
        if (produced.get() < total) {
          full.set(true);
          s.drainHandler(v -> pump());
        }
      }
    }.pump());
    try (TestWebSocket ws = TestClient.await(TestWebSocket.open(vertx, bff.port(), "/api/live/1", Map.of(), List.of())
        .onSuccess(t -> t.socket().pause()), "the handshake")) {
      Poll.until("the upstream's write queue to fill", Duration.ofSeconds(20), full::get);
      long stalled = produced.get();
      Poll.until("the producer to stay paused", Duration.ofSeconds(20), () -> {
        long before = produced.get();
        sleep(500);
        return produced.get() == before;
      });
      assertThat(produced.get()).as("bytes produced while the client read nothing").isLessThan(total / 2)
          .isGreaterThanOrEqualTo(stalled);

      ws.socket().resume();
      AtomicLong received = new AtomicLong();
      Poll.until("every byte to arrive", Duration.ofSeconds(60), () -> {
        TestWebSocket.Frame f;
        while ((f = ws.frames().poll()) != null) {
          received.addAndGet(f.data().length());
        }
        return received.get() == total;
      });
      assertThat(produced.get()).isEqualTo(total);
    }
  }

  @Test
  void anUpstreamRefusingTheUpgradeIs502WithoutUpgrading() {
    up.refuse(404);
    UpgradeRejectedException e = refused("/api/live/1", Map.of());
    assertThat(e.getStatus()).isEqualTo(502);
    assertThat(e.getHeaders().get("content-type")).isEqualTo("application/problem+json");
    assertThat(new JsonObject(e.getBody()).getString("detail"))
        .isEqualTo("upstream 'ws' refused the WebSocket upgrade with status 404");
    assertThat(up.handshakes()).hasSize(1);
  }

  @Test
  void anUnreachableUpstreamIs502() {
    UpgradeRejectedException e = refused("/api/gone/x", Map.of());
    assertThat(e.getStatus()).isEqualTo(502);
    assertThat(new JsonObject(e.getBody()).getString("type")).endsWith("/upstream-unreachable");
  }

  @Test
  void anUpstreamThatDoesNotAnswerTheHandshakeInTimeIs504() {
    long start = System.nanoTime();
    UpgradeRejectedException e = refused("/api/silent/x", Map.of());
    assertThat(e.getStatus()).isEqualTo(504);
    assertThat(new JsonObject(e.getBody()).getString("type")).endsWith("/upstream-timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
  }

  @Test
  void theOpenTunnelGaugeGoesUpAndDownAndFramesAreCounted() {
    TestWebSocket ws = connect("/api/live/1");
    ws.text("12345");
    ws.next();
    Scrape open = Scrape.of(bff);
    assertThat(open.value("bff_websockets_open", "route", "live")).isEqualTo(1.0);
    assertThat(open.value("bff_websocket_frames_total", "route", "live", "direction", "in")).isEqualTo(1.0);
    assertThat(open.value("bff_websocket_frames_total", "route", "live", "direction", "out")).isEqualTo(1.0);
    assertThat(open.value("bff_websocket_payload_bytes_total", "route", "live", "direction", "in")).isEqualTo(5.0);
    assertThat(open.value("bff_request_duration_seconds_count", "route", "live", "status", "1xx"))
        .as("the handshake is a request answered 101").isEqualTo(1.0);
    ws.socket().close();
    ws.gone();
    ws.close();
    Poll.until("the gauge to drop", Duration.ofSeconds(10),
        () -> Scrape.of(bff).value("bff_websockets_open", "route", "live") == 0.0);
  }

  @Test
  void shuttingTheGatewayDownClosesOpenTunnelsWith1001() {
    BffUnderTest other = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1, drain-timeout: 10s }
        upstreams:
          ws: { instances: ["${WS}"] }
        routes:
          - { path: "/live/**", upstream: ws, auth: public, websocket: {} }
        """, Map.of("WS", up.url()));
    TestWebSocket ws = TestWebSocket.connect(vertx, other.port(), "/live/1", Map.of());
    try (ws) {
      ws.text("x");
      ws.next();
      long start = System.nanoTime();
      other.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no wait for the drain timeout")
          .isLessThan(Duration.ofSeconds(5));
      assertThat(ws.closed()).isEqualTo(new TestWebSocket.Close(1001, "the gateway is shutting down"));
      assertThat(poll(up.closes())).isEqualTo(new FakeWebSocketUpstream.Close(1001, "the gateway is shutting down"));
    }
  }

  @Test
  void aPlainRequestOnAWebSocketRouteIsProxiedAsUsual() {
    var r = bff.get("/api/live/9");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("uri")).isEqualTo("/stream/9");
    assertThat(up.handshakes()).isEmpty();
  }

  @Test
  void anInvalidHandshakeIs400NamingTheVersionSpoken() {
    var r = bff.get("/api/live/9", Map.of("Connection", "Upgrade", "Upgrade", "websocket",
        "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "8"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("sec-websocket-version")).isEqualTo("13");
    assertThat(r.json().getString("detail")).isEqualTo("WebSocket version 8 is not supported; use 13");
    var noKey = bff.get("/api/live/9", Map.of("Connection", "Upgrade", "Upgrade", "websocket",
        "Sec-WebSocket-Version", "13"));
    assertThat(noKey.status()).isEqualTo(400);
    assertThat(up.handshakes()).isEmpty();
  }

  private static <T> T poll(java.util.concurrent.BlockingQueue<T> q) {
    try {
      T t = q.poll(TestWebSocket.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (t == null) {
        throw new AssertionError("nothing within " + TestWebSocket.WAIT.toSeconds() + " s");
      }
      return t;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
