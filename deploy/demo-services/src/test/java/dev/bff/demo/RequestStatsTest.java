package dev.bff.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@ExtendWith(VertxExtension.class)
class RequestStatsTest {

  private Http http;
  private DemoServices demo;
  private String catalog;

  @BeforeEach
  void start(Vertx vertx) {
    http = new Http(vertx);
    demo = DemoServices.start(vertx, Map.of("catalog", 0)).await();
    catalog = demo.url("catalog");
  }

  @Test
  void countsRequestsByPathButNotAdminOrHealth() {
    http.get(catalog + "/products/1");
    http.get(catalog + "/products/1");
    http.get(catalog + "/products?page=2");
    http.get(catalog + "/products/999");
    http.get(catalog + "/health");
    http.get(catalog + "/_admin/faults");
    JsonObject stats = http.getJson(catalog + "/_admin/stats");
    assertThat(stats.getLong("requests")).isEqualTo(4);
    assertThat(stats.getLong("inFlight")).isZero();
    assertThat(stats.getLong("peakInFlight")).isEqualTo(1);
    assertThat(stats.getLong("closedEarly")).isZero();
    assertThat(stats.getJsonObject("byPath").getMap())
      .containsExactlyInAnyOrderEntriesOf(Map.of("/products/1", 2, "/products", 1, "/products/999", 1));
    assertThat(demo.stats("catalog").requests("/products/1")).isEqualTo(2);
  }

  @Test
  void theStatsOfAllServicesSeeRequestsInFlightAcrossServices(Vertx vertx) {
    DemoServices two = DemoServices.start(vertx, Map.of("catalog", 0, "reviews", 0)).await();
    try {
      String cat = two.url("catalog");
      String rev = two.url("reviews");
      http.addFault(cat, new JsonObject().put("path", "*").put("latencyMs", 300));
      http.addFault(rev, new JsonObject().put("path", "*").put("latencyMs", 300));
      Future.all(http.request(HttpMethod.GET, cat + "/products/1", null),
          http.request(HttpMethod.GET, rev + "/reviews/summary?productId=1", null)).await();
      assertThat(two.stats("catalog").peakInFlight()).isEqualTo(1);
      assertThat(two.stats("reviews").peakInFlight()).isEqualTo(1);
      JsonObject all = http.getJson(cat + "/_admin/stats/all");
      assertThat(all.getLong("peakInFlight")).as("one request at each service, at once").isEqualTo(2);
      assertThat(all.getLong("requests")).isEqualTo(2);
      assertThat(two.allStats().requests("/catalog/products/1")).isEqualTo(1);
      assertThat(two.allStats().requests("/reviews/reviews/summary")).isEqualTo(1);
      assertThat(http.post(rev + "/_admin/stats/all/reset", new JsonObject()).json().getLong("requests")).isZero();
    } finally {
      two.close().await();
    }
  }

  @Test
  void peakInFlightSeesConcurrentSlowRequests() {
    http.addFault(catalog, new JsonObject().put("path", "/products/*").put("latencyMs", 300));
    List<Future<Http.Reply>> replies = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      replies.add(http.request(HttpMethod.GET, catalog + "/products/" + i, null));
    }
    Future.all(replies).await();
    replies.forEach(r -> assertThat(r.result().status()).isEqualTo(200));
    JsonObject stats = http.getJson(catalog + "/_admin/stats");
    assertThat(stats.getLong("requests")).isEqualTo(5);
    assertThat(stats.getLong("peakInFlight")).isEqualTo(5);
    assertThat(stats.getLong("inFlight")).isZero();
  }

  @Test
  void countsRequestsClosedBeforeTheAnswer() throws InterruptedException {
    http.addFault(catalog, new JsonObject().put("path", "/products/1").put("latencyMs", 5_000));
    RequestOptions options = new RequestOptions().setAbsoluteURI(catalog + "/products/1").setIdleTimeout(200);
    assertThat(catchThrowable(() -> http.request(options, null).await())).isNotNull();
    RequestStats stats = demo.stats("catalog");
    Http.eventually(() -> stats.closedEarly() == 1);
    assertThat(stats.inFlight()).isZero();
    assertThat(http.getJson(catalog + "/_admin/stats").getLong("closedEarly")).isEqualTo(1);
  }

  @Test
  void countsHttp2StreamsResetByTheClient(Vertx vertx) throws InterruptedException {
    Http h2 = new Http(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
      .setHttp2ClearTextUpgrade(false));
    http.addFault(catalog, new JsonObject().put("path", "/products/1").put("latencyMs", 5_000));
    RequestOptions options = new RequestOptions().setAbsoluteURI(catalog + "/products/1").setIdleTimeout(200);
    assertThat(catchThrowable(() -> h2.request(options, null).await())).isNotNull();
    RequestStats stats = demo.stats("catalog");
    Http.eventually(() -> stats.closedEarly() == 1);
    assertThat(stats.inFlight()).isZero();
    assertThat(h2.get(catalog + "/products/2").status()).as("the connection survives").isEqualTo(200);
  }

  @Test
  void hungRequestsStayInFlightUntilTheClientGivesUp() throws InterruptedException {
    http.addFault(catalog, new JsonObject().put("path", "/products/2").put("hang", true));
    Future<Http.Reply> pending = http.request(new RequestOptions().setAbsoluteURI(catalog + "/products/2")
      .setIdleTimeout(500), null);
    RequestStats stats = demo.stats("catalog");
    Http.eventually(() -> stats.inFlight() == 1);
    assertThat(catchThrowable(pending::await)).isNotNull();
    Http.eventually(() -> stats.inFlight() == 0 && stats.closedEarly() == 1);
  }

  @Test
  void resetZeroesTheCounters() {
    http.get(catalog + "/products/1");
    JsonObject after = http.post(catalog + "/_admin/stats/reset", new JsonObject()).json();
    assertThat(after.getLong("requests")).isZero();
    assertThat(after.getJsonObject("byPath")).isEmpty();
    assertThat(http.getJson(catalog + "/_admin/stats").getLong("requests")).isZero();
  }
}
