package dev.bff.demo;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@ExtendWith(VertxExtension.class)
class FaultInjectionTest {

  private Http http;
  private DemoServices demo;
  private String catalog;

  @BeforeEach
  void start(Vertx vertx) {
    http = new Http(vertx);
    demo = DemoServices.start(vertx, Map.of("catalog", 0, "orders", 0)).await();
    catalog = demo.url("catalog");
  }

  @Test
  void latencyDelaysTheRealAnswer() {
    JsonObject stored = http.addFault(catalog, new JsonObject().put("path", "/products/7").put("latencyMs", 300));
    assertThat(stored.getLong("latencyMs")).isEqualTo(300);
    long start = System.nanoTime();
    Http.Reply reply = http.get(catalog + "/products/7");
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().getString("id")).isEqualTo("7");
    assertThat(tookMs).isGreaterThanOrEqualTo(300);
  }

  @Test
  void latencyKeepsTheRequestBodyForTheHandler() {
    String orders = demo.url("orders");
    http.addFault(orders, new JsonObject().put("path", "/orders").put("latencyMs", 100).put("methods",
      new JsonArray().add("post")));
    Http.Reply created = http.post(orders + "/orders", new JsonObject().put("userId", "u1")
      .put("items", new JsonArray().add(new JsonObject().put("productId", "1"))));
    assertThat(created.status()).isEqualTo(201);
  }

  @Test
  void statusAnswersForEveryRequestAtErrorRateOne() {
    JsonObject stored = http.addFault(catalog, new JsonObject().put("path", "/products/*").put("status", 503));
    assertThat(stored.getDouble("errorRate")).isEqualTo(1.0);
    for (int i = 0; i < 5; i++) {
      Http.Reply reply = http.get(catalog + "/products/" + (i + 1));
      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.json().getString("error")).isEqualTo("injected_fault");
    }
    assertThat(http.get(catalog + "/products").status()).isEqualTo(200);
  }

  @Test
  void statusAtErrorRateZeroNeverFires() {
    http.addFault(catalog, new JsonObject().put("path", "*").put("status", 500).put("errorRate", 0.0));
    for (int i = 0; i < 5; i++) {
      assertThat(http.get(catalog + "/products/1").status()).isEqualTo(200);
    }
  }

  @Test
  void hangNeverAnswers() {
    http.addFault(catalog, new JsonObject().put("path", "/products/3").put("hang", true));
    RequestOptions options = new RequestOptions().setAbsoluteURI(catalog + "/products/3").setIdleTimeout(300);
    Throwable failure = catchThrowable(() -> http.request(options, null).await());
    assertThat(failure).isInstanceOf(TimeoutException.class);
  }

  @Test
  void resetDropsTheConnection() throws InterruptedException {
    http.addFault(catalog, new JsonObject().put("path", "/products/4").put("reset", true));
    Throwable failure = catchThrowable(() -> http.get(catalog + "/products/4"));
    assertThat(failure).isNotNull().isNotInstanceOf(TimeoutException.class);
    assertThat(http.get(catalog + "/products/5").status()).isEqualTo(200);
    RequestStats stats = demo.stats("catalog");
    Http.eventually(() -> stats.inFlight() == 0);
    assertThat(stats.requests()).isEqualTo(2);
    assertThat(stats.closedEarly()).as("injected resets are not the client's doing").isZero();
  }

  @Test
  void resetOnHttp2ResetsTheStreamOnly(Vertx vertx) {
    Http h2 = new Http(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
      .setHttp2ClearTextUpgrade(false));
    demo.faults("catalog").add(FaultRule.on("/products/4").withReset());
    assertThat(catchThrowable(() -> h2.get(catalog + "/products/4"))).isInstanceOf(StreamResetException.class);
    assertThat(h2.get(catalog + "/products/5").status()).isEqualTo(200);
  }

  @Test
  void trickleDeliversTheBodyIntactInChunks() {
    Http.Reply normal = http.get(catalog + "/products/8");
    assertThat(normal.body().length()).isGreaterThan(600);
    http.addFault(catalog, new JsonObject().put("path", "/products/8")
      .put("trickle", new JsonObject().put("bytes", 200).put("intervalMs", 20)));
    Http.Reply slow = http.get(catalog + "/products/8");
    assertThat(slow.status()).isEqualTo(200);
    assertThat(slow.body()).isEqualTo(normal.body());
    assertThat(slow.chunks()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void mostSpecificRuleWins() {
    http.addFault(catalog, new JsonObject().put("path", "*").put("status", 500));
    http.addFault(catalog, new JsonObject().put("path", "/products/*").put("status", 503));
    http.addFault(catalog, new JsonObject().put("path", "/products/7").put("status", 418));
    assertThat(http.get(catalog + "/products/7").status()).isEqualTo(418);
    assertThat(http.get(catalog + "/products/8").status()).isEqualTo(503);
    assertThat(http.get(catalog + "/categories").status()).isEqualTo(500);
  }

  @Test
  void methodsLimitARule() {
    http.addFault(catalog, new JsonObject().put("path", "*").put("status", 503)
      .put("methods", new JsonArray().add("POST")));
    assertThat(http.get(catalog + "/products/1").status()).isEqualTo(200);
    assertThat(http.post(catalog + "/products", new JsonObject()).status()).isEqualTo(503);
  }

  @Test
  void healthFailsOnlyForAnExactRule() {
    http.addFault(catalog, new JsonObject().put("path", "*").put("status", 503));
    assertThat(http.get(catalog + "/health").status()).isEqualTo(200);
    http.addFault(catalog, new JsonObject().put("path", "/health").put("status", 503));
    assertThat(http.get(catalog + "/health").status()).isEqualTo(503);
  }

  @Test
  void adminPathsAreNeverFaulted() {
    http.addFault(catalog, new JsonObject().put("path", "*").put("status", 503));
    http.addFault(catalog, new JsonObject().put("path", "/_admin/*").put("reset", true));
    assertThat(http.get(catalog + "/_admin/stats").status()).isEqualTo(200);
    assertThat(http.get(catalog + "/_admin/faults").jsonArray()).hasSize(2);
  }

  @Test
  void rulesAreListedReplacedAndCleared() {
    http.addFault(catalog, new JsonObject().put("path", "/products/*").put("status", 503));
    http.addFault(catalog, new JsonObject().put("path", "/products/*").put("status", 502));
    http.addFault(catalog, new JsonObject().put("path", "/categories").put("latencyMs", 10));
    JsonArray rules = http.get(catalog + "/_admin/faults").jsonArray();
    assertThat(rules).hasSize(2);
    assertThat(rules.getJsonObject(0).getInteger("status")).isEqualTo(502);
    assertThat(rules.getJsonObject(0).fieldNames())
      .containsExactlyInAnyOrder("path", "latencyMs", "status", "errorRate", "hang", "reset", "trickle", "methods");

    assertThat(http.delete(catalog + "/_admin/faults?path=/products/*").json().getInteger("removed")).isEqualTo(1);
    assertThat(http.get(catalog + "/products/1").status()).isEqualTo(200);
    assertThat(http.delete(catalog + "/_admin/faults").json().getInteger("removed")).isEqualTo(1);
    assertThat(http.get(catalog + "/_admin/faults").jsonArray()).isEmpty();
  }

  @Test
  void badRulesAre400() {
    String url = catalog + "/_admin/faults";
    assertThat(http.post(url, new JsonObject().put("latencyMs", 10)).status()).isEqualTo(400);
    assertThat(http.post(url, new JsonObject().put("path", "/x").put("errorRate", 2)).status()).isEqualTo(400);
    Http.Reply typo = http.post(url, new JsonObject().put("path", "/x").put("latency", 10));
    assertThat(typo.status()).isEqualTo(400);
    assertThat(typo.json().getString("message")).contains("latency");
    assertThat(http.request(HttpMethod.POST, url, io.vertx.core.buffer.Buffer.buffer("{nope")).await().status())
      .isEqualTo(400);
  }

  @Test
  void javaApiAddsRules() {
    demo.faults("catalog").add(FaultRule.on("/products/*").withStatus(504, 1.0).withMethods("get"));
    assertThat(http.get(catalog + "/products/2").status()).isEqualTo(504);
    assertThat(demo.faults("catalog").rules()).hasSize(1);
    demo.faults("catalog").clear();
    assertThat(http.get(catalog + "/products/2").status()).isEqualTo(200);
  }
}
