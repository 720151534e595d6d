package dev.bff.common.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BffUnderTest.Response;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Route matching, precedence, rewriting and canaries, end to end through a real gateway. */
@ExtendWith(VertxExtension.class)
class RoutingTest {
  private static final String UPSTREAMS = """
      upstreams:
        a: { instances: ["${A}"] }
        b: { instances: ["${B}"] }
        c: { instances: ["${C}"] }
      """;

  FakeUpstream a;
  FakeUpstream b;
  FakeUpstream c;
  BffUnderTest bff;
  TestClient http;

  @BeforeEach
  void start(Vertx vertx) {
    a = FakeUpstream.start(vertx, "a");
    b = FakeUpstream.start(vertx, "b");
    c = FakeUpstream.start(vertx, "c");
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
    if (bff != null) {
      bff.close();
    }
    a.close();
    b.close();
    c.close();
  }

  private BffUnderTest gateway(Vertx vertx, String routes) {
    bff = BffUnderTest.start(vertx, UPSTREAMS + "routes:\n" + routes,
        Map.of("A", a.url(), "B", b.url(), "C", c.url()));
    http = TestClient.of(vertx, bff.port());
    return bff;
  }

  /** The upstream that answered, or the status when the gateway answered itself. */
  private String who(String uri) {
    return who(uri, Map.of());
  }

  private String who(String uri, Map<String, String> headers) {
    Response r = http.get(uri, headers);
    return r.status() == 200 ? r.json().getString("name") : String.valueOf(r.status());
  }

  private JsonObject seen(String uri, Map<String, String> headers) {
    Response r = http.get(uri, headers);
    assertThat(r.status()).as("status of %s", uri).isEqualTo(200);
    return r.json();
  }

  @Test
  void anExactPathMatchesOnlyItself(Vertx vertx) {
    gateway(vertx, "  - { path: /exact, upstream: a }\n");
    assertThat(who("/exact")).isEqualTo("a");
    assertThat(who("/exact?x=1")).isEqualTo("a");
    assertThat(who("/exact/")).isEqualTo("404");
    assertThat(who("/exactly")).isEqualTo("404");
    assertThat(who("/exact/more")).isEqualTo("404");
  }

  @Test
  void aParameterMatchesExactlyOneSegment(Vertx vertx) {
    gateway(vertx, "  - { path: \"/items/:id\", upstream: a }\n");
    assertThat(who("/items/7")).isEqualTo("a");
    assertThat(who("/items/a%20b")).isEqualTo("a");
    assertThat(who("/items")).isEqualTo("404");
    assertThat(who("/items/")).isEqualTo("404");
    assertThat(who("/items/7/reviews")).isEqualTo("404");
  }

  @Test
  void aPrefixMatchesItselfItsSlashAndDeeperPathsButNotLongerNames(Vertx vertx) {
    gateway(vertx, "  - { path: \"/api/**\", upstream: a }\n");
    assertThat(seen("/api", Map.of()).getString("uri")).isEqualTo("/api");
    assertThat(seen("/api/", Map.of()).getString("uri")).isEqualTo("/api/");
    assertThat(seen("/api/x/y/z", Map.of()).getString("uri")).isEqualTo("/api/x/y/z");
    assertThat(who("/apiX")).isEqualTo("404");
    assertThat(who("/apiX/y")).isEqualTo("404");
    assertThat(who("/ap")).isEqualTo("404");
  }

  @Test
  void methodsSelectTheRouteAndOtherMethodsGet405WithAllow(Vertx vertx) {
    gateway(vertx, """
          - { path: /m, upstream: a, methods: [GET, HEAD] }
          - { path: /m, upstream: b, methods: [POST] }
        """);
    assertThat(http.send(HttpMethod.GET, "/m", Map.of(), null).json().getString("name")).isEqualTo("a");
    assertThat(http.send(HttpMethod.POST, "/m", Map.of(), io.vertx.core.buffer.Buffer.buffer("x")).json()
        .getString("name")).isEqualTo("b");
    Response r = http.send(HttpMethod.DELETE, "/m", Map.of(), null);
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(Arrays.asList(r.header("allow").split(", "))).containsExactlyInAnyOrder("GET", "HEAD", "POST");
    assertThat(r.json().getInteger("status")).isEqualTo(405);
    assertThat(a.count() + b.count()).isEqualTo(2);
  }

  @Test
  void hostsMatchExactlyOrByWildcardIgnoringCaseAndPort(Vertx vertx) {
    gateway(vertx, """
          - { path: /h, upstream: c }
          - { path: /h, upstream: a, host: shop.example.com }
          - { path: /h, upstream: b, host: "*.example.com" }
        """);
    assertThat(who("/h", Map.of("Host", "shop.example.com"))).isEqualTo("a");
    assertThat(who("/h", Map.of("Host", "SHOP.Example.COM:8443"))).isEqualTo("a");
    assertThat(who("/h", Map.of("Host", "api.example.com"))).isEqualTo("b");
    assertThat(who("/h", Map.of("Host", "a.b.example.com"))).isEqualTo("b");
    assertThat(who("/h", Map.of("Host", "example.com"))).isEqualTo("c");
    assertThat(who("/h", Map.of("Host", "badexample.com"))).isEqualTo("c");
    assertThat(who("/h", Map.of("Host", "shop.example.com.evil.org"))).isEqualTo("c");
    assertThat(who("/h")).isEqualTo("c");
  }

  @Test
  void headersMatchByValueOrPresence(Vertx vertx) {
    gateway(vertx, """
          - { path: /hd, upstream: a }
          - { path: /hd, upstream: b, headers: { X-Canary: "1" } }
          - { path: /hd, upstream: c, headers: { X-Debug: "*" } }
        """);
    assertThat(who("/hd")).isEqualTo("a");
    assertThat(who("/hd", Map.of("X-Canary", "1"))).isEqualTo("b");
    assertThat(who("/hd", Map.of("x-canary", "1"))).isEqualTo("b");
    assertThat(who("/hd", Map.of("X-Canary", "2"))).isEqualTo("a");
    assertThat(who("/hd", Map.of("X-Debug", "anything"))).isEqualTo("c");
    assertThat(who("/hd", Map.of("X-Debug", ""))).isEqualTo("c");
  }

  @Test
  void exactBeatsParameterBeatsPrefixWhateverTheFileOrder(Vertx vertx) {
    gateway(vertx, """
          - { path: "/p/**", upstream: c }
          - { path: "/p/:id", upstream: b }
          - { path: /p/special, upstream: a }
        """);
    assertThat(who("/p/special")).isEqualTo("a");
    assertThat(who("/p/7")).isEqualTo("b");
    assertThat(who("/p/7/more")).isEqualTo("c");
    assertThat(who("/p")).isEqualTo("c");
  }

  @Test
  void aLongerPrefixBeatsAShorterOne(Vertx vertx) {
    gateway(vertx, """
          - { path: "/**", upstream: c }
          - { path: "/l/**", upstream: a }
          - { path: "/l/m/**", upstream: b }
        """);
    assertThat(who("/l/m/x")).isEqualTo("b");
    assertThat(who("/l/m")).isEqualTo("b");
    assertThat(who("/l/mx")).isEqualTo("a");
    assertThat(who("/l/x")).isEqualTo("a");
    assertThat(who("/other")).isEqualTo("c");
  }

  @Test
  void moreLiteralSegmentsBeatFewer(Vertx vertx) {
    gateway(vertx, """
          - { path: "/q/:x/:y", upstream: a }
          - { path: "/q/:x/z", upstream: b }
          - { path: "/r/:x/**", upstream: a }
          - { path: "/r/lit/**", upstream: b }
        """);
    assertThat(who("/q/1/z")).isEqualTo("b");
    assertThat(who("/q/1/2")).isEqualTo("a");
    assertThat(who("/r/lit/x")).isEqualTo("b");
    assertThat(who("/r/other/x")).isEqualTo("a");
  }

  @Test
  void aRouteWithAConditionBeatsTheSamePathWithout(Vertx vertx) {
    gateway(vertx, """
          - { path: "/s/**", upstream: a }
          - { path: "/s/**", upstream: b, headers: { X-Beta: "yes" } }
          - { path: "/s/**", upstream: c, host: beta.example.com }
        """);
    assertThat(who("/s/x")).isEqualTo("a");
    assertThat(who("/s/x", Map.of("X-Beta", "yes"))).isEqualTo("b");
    assertThat(who("/s/x", Map.of("Host", "beta.example.com"))).isEqualTo("c");
  }

  @Test
  void hostAndHeaderConditionsOutrankAMethodListAndAnExactHostOutranksAWildcard(Vertx vertx) {
    gateway(vertx, """
          - { path: "/v/**", upstream: a, methods: [GET] }
          - { path: "/v/**", upstream: b, headers: { X-Canary: "1" } }
          - { path: "/w", upstream: a, host: "*.example.com" }
          - { path: "/w", upstream: b, host: shop.example.com }
        """);
    assertThat(who("/v/x")).isEqualTo("a");
    assertThat(who("/v/x", Map.of("X-Canary", "1"))).isEqualTo("b");
    assertThat(who("/w", Map.of("Host", "shop.example.com"))).isEqualTo("b");
    assertThat(who("/w", Map.of("Host", "api.example.com"))).isEqualTo("a");
  }

  @Test
  void tiesGoToFileOrder(Vertx vertx) {
    gateway(vertx, """
          - { path: /t, upstream: b }
          - { path: /t, upstream: a }
          - { path: /u, upstream: c, headers: { X-B: "*" } }
          - { path: /u, upstream: a, headers: { X-A: "*" } }
        """);
    assertThat(who("/t")).isEqualTo("b");
    assertThat(who("/u", Map.of("X-A", "1", "X-B", "1"))).isEqualTo("c");
    assertThat(who("/u", Map.of("X-A", "1"))).isEqualTo("a");
  }

  @Test
  void stripPrefixRemovesTheLiteralPrefixDownToRoot(Vertx vertx) {
    gateway(vertx, "  - { path: \"/api/**\", upstream: a, strip-prefix: /api }\n"
        + "  - { path: /web/home, upstream: b, strip-prefix: /web/home }\n");
    assertThat(seen("/api/products/1", Map.of()).getString("uri")).isEqualTo("/products/1");
    assertThat(seen("/api/products/1?size=3", Map.of()).getString("uri")).isEqualTo("/products/1?size=3");
    assertThat(seen("/api", Map.of()).getString("uri")).isEqualTo("/");
    assertThat(seen("/api/", Map.of()).getString("uri")).isEqualTo("/");
    assertThat(seen("/api?x=1", Map.of()).getString("uri")).isEqualTo("/?x=1");
    assertThat(seen("/web/home", Map.of()).getString("uri")).isEqualTo("/");
  }

  @Test
  void rewriteTemplatesFillParametersAndTheRest(Vertx vertx) {
    gateway(vertx, """
          - { path: "/items/:id", upstream: a, rewrite: "/v2/items/{id}" }
          - { path: "/files/**", upstream: a, rewrite: "/store/{**}" }
          - { path: "/t/:tenant/docs/**", upstream: a, rewrite: "/tenants/{tenant}/documents/{**}" }
          - { path: "/x/:id/**", upstream: a, rewrite: "/y{**}?id={id}" }
        """);
    assertThat(seen("/items/7", Map.of()).getString("uri")).isEqualTo("/v2/items/7");
    assertThat(seen("/items/a%20b%2Bc?q=1", Map.of()).getString("uri")).isEqualTo("/v2/items/a%20b%2Bc?q=1");
    assertThat(seen("/files/a/b.txt", Map.of()).getString("uri")).isEqualTo("/store/a/b.txt");
    assertThat(seen("/files", Map.of()).getString("uri")).isEqualTo("/store");
    assertThat(seen("/t/acme/docs/2024/q1.pdf", Map.of()).getString("uri"))
        .isEqualTo("/tenants/acme/documents/2024/q1.pdf");
    assertThat(seen("/x/5/z", Map.of()).getString("uri")).isEqualTo("/y/z?id=5");
    assertThat(seen("/x/5/z?a=1&b=%2B", Map.of()).getString("uri")).isEqualTo("/y/z?id=5&a=1&b=%2B");
  }

  @Test
  void theQueryStringIsForwardedExactlyAsSent(Vertx vertx) {
    gateway(vertx, "  - { path: \"/api/**\", upstream: a, strip-prefix: /api }\n"
        + "  - { path: \"/v/:id\", upstream: a, rewrite: \"/w/{id}\" }\n");
    String q = "q=a%20b&r=%2F%3F%26&s=+plus&t=%E2%82%AC&empty=&flag&dup=1&dup=2";
    assertThat(seen("/api/search?" + q, Map.of()).getString("uri")).isEqualTo("/search?" + q);
    assertThat(seen("/v/9?" + q, Map.of()).getString("uri")).isEqualTo("/w/9?" + q);
    assertThat(seen("/api/search?", Map.of()).getString("uri")).isEqualTo("/search?");
  }

  @Test
  void requestHeadersAreRemovedSetAndAdded(Vertx vertx) {
    gateway(vertx, """
          - path: "/api/**"
            upstream: a
            request-headers:
              remove: [X-Remove-Me]
              set: { X-Set: from-gateway }
              add: { X-Add: from-gateway }
        """);
    seen("/api/x", Map.of("X-Remove-Me", "1", "X-Set", "from-client", "X-Add", "from-client", "X-Other", "o"));
    var h = a.seen().get(0).headers();
    assertThat(h.contains("x-remove-me")).isFalse();
    assertThat(h.getAll("x-set")).containsExactly("from-gateway");
    assertThat(h.getAll("x-add")).containsExactly("from-client", "from-gateway");
    assertThat(h.get("x-other")).isEqualTo("o");
  }

  @Test
  void responseHeadersAreRemovedSetAndAdded(Vertx vertx) {
    a.handler(req -> req.response().putHeader("X-Internal", "secret").putHeader("Cache-Control", "public")
        .putHeader("X-Add", "from-upstream").putHeader("X-Kept", "k").end("{}"));
    gateway(vertx, """
          - path: "/api/**"
            upstream: a
            response-headers:
              remove: [x-internal]
              set: { Cache-Control: no-store }
              add: { X-Add: from-gateway }
        """);
    Response r = http.get("/api/x");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("x-internal")).isNull();
    assertThat(r.headers().getAll("cache-control")).containsExactly("no-store");
    assertThat(r.headers().getAll("x-add")).containsExactly("from-upstream", "from-gateway");
    assertThat(r.header("x-kept")).isEqualTo("k");
  }

  @Test
  void preserveHostSendsTheClientsHostElseTheInstancesOwn(Vertx vertx) {
    gateway(vertx, """
          - { path: "/keep/**", upstream: a, preserve-host: true }
          - { path: "/own/**", upstream: a }
        """);
    assertThat(seen("/keep/x", Map.of("Host", "shop.example.com")).getJsonObject("headers").getString("host"))
        .isEqualTo("shop.example.com");
    assertThat(seen("/keep/x", Map.of("Host", "shop.example.com:8443")).getJsonObject("headers")
        .getString("host")).isEqualTo("shop.example.com:8443");
    JsonObject own = seen("/own/x", Map.of("Host", "shop.example.com")).getJsonObject("headers");
    assertThat(own.getString("host")).isEqualTo("127.0.0.1:" + a.port());
    assertThat(own.getString("x-forwarded-host")).isEqualTo("shop.example.com");
  }

  @Test
  void preserveHostKeepsOnePoolWhateverHostsClientsSend(Vertx vertx) {
    gateway(vertx, "  - { path: \"/keep/**\", upstream: a, preserve-host: true }\n");
    for (int i = 0; i < 20; i++) {
      String host = "tenant" + i + ".example.com";
      assertThat(seen("/keep/x", Map.of("Host", host)).getJsonObject("headers").getString("host")).isEqualTo(host);
    }
    // sequential requests reuse one pooled connection; a pool per client Host would open 20
    assertThat(a.connections()).isLessThanOrEqualTo(2);
  }

  @Test
  void aWeightedCanaryGetsItsShareWithinFiveSigma(Vertx vertx) {
    gateway(vertx, "  - { path: \"/shop/**\", upstream: a, canary: { upstream: b, weight: 30 } }\n");
    int n = 2000;
    Map<String, Integer> counts = spread("/shop/x", n);
    double p = 0.30;
    double sigma = Math.sqrt(n * p * (1 - p)); // binomial: about 20.5
    assertThat(counts.getOrDefault("b", 0).doubleValue()).isBetween(n * p - 5 * sigma, n * p + 5 * sigma);
    assertThat(counts.getOrDefault("a", 0) + counts.getOrDefault("b", 0)).isEqualTo(n);
    assertThat(b.count()).isEqualTo(counts.getOrDefault("b", 0));
  }

  @Test
  void canaryWeightsOfZeroAndHundredAreExact(Vertx vertx) {
    gateway(vertx, """
          - { path: "/none/**", upstream: a, canary: { upstream: b, weight: 0 } }
          - { path: "/all/**", upstream: a, canary: { upstream: b, weight: 100 } }
        """);
    assertThat(spread("/none/x", 300)).containsExactly(Map.entry("a", 300));
    assertThat(spread("/all/x", 300)).containsExactly(Map.entry("b", 300));
  }

  @Test
  void aHeaderCanaryRouteTakesOnlyFlaggedRequests(Vertx vertx) {
    gateway(vertx, """
          - { path: "/shop/**", upstream: a, strip-prefix: /shop }
          - { path: "/shop/**", upstream: b, strip-prefix: /shop, headers: { X-Canary: "1" } }
        """);
    assertThat(spread("/shop/p/1", 50)).containsExactly(Map.entry("a", 50));
    JsonObject flagged = seen("/shop/p/1", Map.of("X-Canary", "1"));
    assertThat(flagged.getString("name")).isEqualTo("b");
    assertThat(flagged.getString("uri")).isEqualTo("/p/1");
    assertThat(who("/shop/p/1", Map.of("X-Canary", "0"))).isEqualTo("a");
  }

  /** Sends {@code n} GETs (50 at a time) and counts who answered. */
  private Map<String, Integer> spread(String uri, int n) {
    Map<String, Integer> counts = new HashMap<>();
    for (int sent = 0; sent < n; sent += 50) {
      List<Future<String>> batch = new ArrayList<>();
      for (int i = 0; i < Math.min(50, n - sent); i++) {
        batch.add(http.sendAsync(HttpMethod.GET, uri, Map.of(), null)
            .map(r -> r.status() == 200 ? r.json().getString("name") : String.valueOf(r.status())));
      }
      TestClient.await(Future.all(batch), "a batch of requests to " + uri);
      batch.forEach(f -> counts.merge(f.result(), 1, Integer::sum));
    }
    return counts;
  }
}
