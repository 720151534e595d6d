package dev.bff.common.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bff.common.config.ConfigException;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.Scrape;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Traffic mirroring: a route copies all or a share of its requests to a shadow upstream whose
 * answers are dropped, counted in {@code bff_mirror_requests_total}; a hanging or failing shadow
 * never delays or fails the real answer.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class MirrorTest {
  FakeUpstream live;
  FakeUpstream shadow;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    live = FakeUpstream.start(vertx, "live");
    shadow = FakeUpstream.start(vertx, "shadow");
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1 }
        upstreams:
          live: { instances: ["${LIVE}"] }
          shadow: { instances: ["${SHADOW}"], response-timeout: 1s, retry: { attempts: 0 } }
          nowhere: { instances: ["http://127.0.0.1:1"], retry: { attempts: 0 } }
        routes:
          - { id: all, path: "/all/**", upstream: live, strip-prefix: /all, mirror: { upstream: shadow } }
          - { id: tenth, path: "/tenth/**", upstream: live, strip-prefix: /tenth, mirror: { upstream: shadow, percent: 10 } }
          - { id: checked, path: "/checked", upstream: live, methods: [POST], body-check: {}, mirror: { upstream: shadow } }
          - { id: streamed, path: "/streamed", upstream: live, methods: [POST], mirror: { upstream: shadow } }
          - { id: lost, path: "/lost/**", upstream: live, mirror: { upstream: nowhere } }
        """, Map.of("LIVE", live.url(), "SHADOW", shadow.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    live.close();
    shadow.close();
  }

  @Test
  void everyRequestIsCopiedAtOneHundredPercent() {
    for (int i = 0; i < 20; i++) {
      var r = bff.get("/all/items/" + i + "?q=x", Map.of("X-Trace-Me", "yes"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().getString("name")).isEqualTo("live");
    }
    Poll.until("20 copies at the shadow", Duration.ofSeconds(10), () -> shadow.count() == 20);
    var copy = shadow.seen().get(0);
    assertThat(copy.method()).isEqualTo("GET");
    assertThat(copy.uri()).isEqualTo(live.seen().get(0).uri()).isEqualTo("/items/0?q=x");
    assertThat(copy.headers().get("x-shadow-request")).isEqualTo("true");
    assertThat(copy.headers().get("x-trace-me")).isEqualTo("yes");
    assertThat(copy.headers().get("x-request-id")).isEqualTo(live.seen().get(0).headers().get("x-request-id"));
    Poll.until("20 answered copies counted", Duration.ofSeconds(5),
        () -> Scrape.of(bff).value("bff_mirror_requests_total", "route", "all", "outcome", "answered") == 20.0);
  }

  @Test
  void aTenPercentMirrorCopiesEveryTenthRequest() {
    for (int i = 0; i < 100; i++) {
      assertThat(bff.get("/tenth/" + i).status()).isEqualTo(200);
    }
    Poll.until("10 copies counted", Duration.ofSeconds(10),
        () -> Scrape.of(bff).value("bff_mirror_requests_total", "route", "tenth", "outcome", "answered") == 10.0);
    assertThat(shadow.count()).isEqualTo(10);
    assertThat(live.count()).isEqualTo(100);
  }

  @Test
  void aHangingShadowDelaysNothing() {
    shadow.handler(req -> { }); // never answers
    long start = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      assertThat(bff.get("/all/" + i).status()).isEqualTo(200);
    }
    assertThat((System.nanoTime() - start) / 1_000_000).as("ten answers while the shadow hangs").isLessThan(900);
    Poll.until("the hanging copies counted as failed after the shadow's 1 s timeout", Duration.ofSeconds(10),
        () -> Scrape.of(bff).value("bff_mirror_requests_total", "route", "all", "outcome", "failed") == 10.0);
  }

  @Test
  void anUnreachableShadowFailsNoRequest() {
    for (int i = 0; i < 5; i++) {
      assertThat(bff.get("/lost/" + i).status()).isEqualTo(200);
    }
    Poll.until("5 failed copies", Duration.ofSeconds(10),
        () -> Scrape.of(bff).value("bff_mirror_requests_total", "route", "lost", "outcome", "failed") == 5.0);
  }

  @Test
  void aBodyIsCopiedWhenTheGatewayReadItAndSkippedWhenItStreams() {
    Buffer json = Buffer.buffer("{\"order\":42}");
    var checked = bff.send(HttpMethod.POST, "/checked", Map.of("content-type", "application/json"), json);
    assertThat(checked.status()).isEqualTo(200);
    Poll.until("the copy with its body", Duration.ofSeconds(5), () -> shadow.count() == 1);
    assertThat(shadow.seen().get(0).method()).isEqualTo("POST");
    Poll.until("the copy answered", Duration.ofSeconds(5),
        () -> Scrape.of(bff).value("bff_mirror_requests_total", "route", "checked", "outcome", "answered") == 1.0);

    var streamed = bff.send(HttpMethod.POST, "/streamed", Map.of("content-type", "application/json"), json);
    assertThat(streamed.status()).isEqualTo(200);
    assertThat(streamed.json().getInteger("bodySize")).isEqualTo(json.length());
    assertThat(Scrape.of(bff).value("bff_mirror_requests_total", "route", "streamed", "outcome", "skipped"))
        .isEqualTo(1.0);
    assertThat(shadow.count()).isEqualTo(1);
  }

  @Test
  void mirrorMistakesAreNamed(Vertx vertx) {
    assertThatThrownBy(() -> BffUnderTest.start(vertx, """
        upstreams: { a: { instances: ["http://127.0.0.1:1"] } }
        routes:
          - { path: "/x/**", upstream: a, mirror: { upstream: b } }
          - { path: "/y/**", upstream: a, mirror: { upstream: a } }
          - { path: "/z/**", upstream: a, mirror: { upstream: a, percent: 150, copies: 2 } }
        """, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("routes[0].mirror.upstream: unknown upstream 'b'")
        .hasMessageContaining("routes[1].mirror.upstream: is the route's own upstream")
        .hasMessageContaining("routes[2].mirror.percent")
        .hasMessageContaining("routes[2].mirror.copies");
  }
}
