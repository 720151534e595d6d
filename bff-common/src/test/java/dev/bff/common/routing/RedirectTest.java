package dev.bff.common.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.config.BffConfig;
import dev.bff.common.config.RouteConfig;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BffUnderTest.Response;
import dev.bff.common.testing.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redirect routes through a real gateway: each status, parameters and the rest of a {@code /**}
 * prefix in the location, the query kept or dropped, absolute targets, and values that try to
 * smuggle a line break, another host or another segment into {@code Location}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class RedirectTest {
  static final String ROUTES = """
      routes:
        - { id: docs, path: "/docs/:page", redirect: { to: "/help/{page}", status: 308 } }
        - { id: moved, path: "/old/**", redirect: { to: "https://new.example.com/{**}", status: 301 } }
        - { id: temporary, path: "/tmp/**", redirect: { to: "/now/{**}" } }
        - { id: see-other, path: "/done", redirect: { to: "/orders", status: 303, keep-query: false } }
        - { id: keep-method, path: "/api/v1/**", redirect: { to: "/api/v2/{**}", status: 307 },
            response-headers: { set: { Cache-Control: "max-age=3600" } } }
        - { id: search, path: "/find/:term", redirect: { to: "/search?q={term}&from=old#results" } }
        - { id: root, path: "/r/**", redirect: { to: "/{**}" } }
      """;

  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    bff = BffUnderTest.start(vertx, ROUTES, Map.of());
  }

  @AfterEach
  void stop() {
    bff.close();
  }

  @Test
  void eachRouteAnswersWithItsStatusAndLocation() {
    Response docs = bff.get("/docs/intro");
    assertThat(docs.status()).isEqualTo(308);
    assertThat(docs.header("location")).isEqualTo("/help/intro");
    assertThat(docs.header("content-length")).isEqualTo("0");
    assertThat(docs.body().length()).isZero();

    Response moved = bff.get("/old/guides/start.html");
    assertThat(moved.status()).isEqualTo(301);
    assertThat(moved.header("location")).isEqualTo("https://new.example.com/guides/start.html");

    Response temporary = bff.get("/tmp/a/b");
    assertThat(temporary.status()).as("302 when no status is given").isEqualTo(302);
    assertThat(temporary.header("location")).isEqualTo("/now/a/b");

    Response seeOther = bff.send(HttpMethod.POST, "/done?id=7", Map.of(), null);
    assertThat(seeOther.status()).isEqualTo(303);
    assertThat(seeOther.header("location")).as("keep-query: false").isEqualTo("/orders");

    Response kept = bff.send(HttpMethod.PUT, "/api/v1/items/3", Map.of(), null);
    assertThat(kept.status()).isEqualTo(307);
    assertThat(kept.header("location")).isEqualTo("/api/v2/items/3");
    assertThat(kept.header("cache-control")).as("the route's response headers").isEqualTo("max-age=3600");

    Response head = bff.send(HttpMethod.HEAD, "/docs/intro", Map.of(), null);
    assertThat(head.status()).isEqualTo(308);
    assertThat(head.header("location")).isEqualTo("/help/intro");
  }

  @Test
  void theRestOfThePrefixAndTheQueryAreKept() {
    assertThat(bff.get("/old/a/b?x=1&y=%20z").header("location")).isEqualTo("https://new.example.com/a/b?x=1&y=%20z");
    assertThat(bff.get("/old").header("location")).isEqualTo("https://new.example.com/");
    assertThat(bff.get("/old/dir/").header("location")).isEqualTo("https://new.example.com/dir/");
    assertThat(bff.get("/tmp?page=2").header("location")).isEqualTo("/now/?page=2");
    assertThat(bff.get("/find/shoes?page=2").header("location"))
        .as("after the template's own query, before its fragment").isEqualTo("/search?q=shoes&from=old&page=2#results");
  }

  @Test
  void valuesAreEncodedForWhereTheyStand() {
    assertThat(bff.get("/docs/a%20b").header("location")).isEqualTo("/help/a+b".replace("+", "%20"));
    assertThat(bff.get("/docs/a%3Fb%23c").header("location")).as("no query or fragment from a segment")
        .isEqualTo("/help/a%3Fb%23c");
    assertThat(bff.get("/find/a&b=c").header("location")).as("no extra parameter from a query value")
        .isEqualTo("/search?q=a%26b%3Dc&from=old#results");
    assertThat(bff.get("/docs/caf%C3%A9").header("location")).isEqualTo("/help/caf%C3%A9");
    assertThat(bff.get("/tmp/%40evil.com").header("location")).isEqualTo("/now/%40evil.com");
  }

  @Test
  void aRelativeLocationNeverNamesAnotherHost() {
    assertThat(bff.get("/r//evil.example/x").header("location")).isEqualTo("/evil.example/x");
    assertThat(bff.get("/r/evil.example").header("location")).isEqualTo("/evil.example");
    Response raw = RawHttp.exchange(bff.port(),
        "GET /r///evil.example HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(raw.header("location")).isEqualTo("/evil.example");
  }

  @Test
  void noLineBreakReachesTheLocationHeader() {
    String[] attempts = {"/docs/x%0d%0aSet-Cookie:%20a=b", "/docs/x%0aX-Evil:1", "/tmp/x?a=%0d%0aX: y"};
    for (String attempt : attempts) {
      Response r = RawHttp.exchange(bff.port(), "GET " + attempt + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(r.status()).as(attempt).isEqualTo(400); // the gateway refuses them before routing
      assertThat(r.headers().names()).as(attempt).doesNotContain("Set-Cookie", "X-Evil", "X", "set-cookie", "x-evil");
    }
    // the target encodes what reaches it, whatever the front let through
    RedirectTarget docs = target("docs");
    PathMatch crlf = new PathMatch(new String[] {"page"}, new String[] {"x%0d%0aSet-Cookie:%20a=b"}, null);
    assertThat(docs.location(crlf, null)).isEqualTo("/help/x%0D%0ASet-Cookie%3A+a%3Db".replace("+", "%20"));
    PathMatch raw = new PathMatch(new String[] {"page"}, new String[] {"x\r\ny%zz"}, null);
    assertThat(docs.location(raw, "a=\r\nb&c=%zz")).isEqualTo("/help/x%0D%0Ay%25zz?a=%0D%0Ab&c=%25zz");
    RedirectTarget root = target("root");
    assertThat(root.location(new PathMatch(new String[0], null, "//evil.example/..//x"), null))
        .isEqualTo("/evil.example/../x".replace("..", "%2E%2E"));
  }

  @Test
  void aRequestBodyIsNotReadAndItsConnectionIsClosed() {
    try (RawHttp h = RawHttp.connect(bff.port())) {
      h.write("POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"partial\":");
      Response r = h.read();
      assertThat(r.status()).isEqualTo(307);
      assertThat(r.header("location")).isEqualTo("/api/v2/orders");
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(h.closedByPeer(5000)).isTrue();
    }
    Response whole = bff.send(HttpMethod.POST, "/api/v1/orders", Map.of(), Buffer.buffer("{}"));
    assertThat(whole.status()).isEqualTo(307);
  }

  /** The route's target as the gateway compiles it. */
  private static RedirectTarget target(String id) {
    BffConfig c = BffUnderTest.parse(ROUTES, Map.of());
    RouteConfig r = c.routes().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
    return new RedirectTarget(r);
  }
}
