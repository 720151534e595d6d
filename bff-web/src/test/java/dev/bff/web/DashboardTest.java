package dev.bff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.common.testing.Poll;
import dev.bff.demo.FaultRule;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live dashboard ({@code GET /dashboard} on the admin listener) rendered by headless Chromium
 * against bff-web and the demo services, after traffic that degrades a part and opens a circuit:
 * the page must show the routes with their numbers, the part to blame, the circuit states and the
 * waterfall. Leaves {@code target/dashboard.png} as an artifact. Chromium is Debian's
 * {@code chromium}: installed when missing (see {@link Chromium}).
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class DashboardTest {
  @BeforeAll
  void chromium() throws Exception {
    Chromium.require("DashboardTest");
  }

  @Test
  void showsRoutesDegradedPartsCircuitsAndWaterfall(Vertx vertx) throws Exception {
    try (DemoStack demo = DemoStack.start(vertx); BffUnderTest bff = BuiltInBff.start(vertx, new WebBff(), demo.vars())) {
      for (int i = 0; i < 5; i++) {
        assertThat(bff.get("/api/home").status()).isEqualTo(200);
        assertThat(bff.get("/api/products/7").status()).isEqualTo(200);
      }
      demo.services().faults("reviews").add(FaultRule.on("/reviews/summary").withStatus(500, 1.0));
      for (int i = 0; i < 3; i++) {
        bff.purgeCache(); // product pages are cached
        BffUnderTest.Response r = bff.get("/api/product-details/7");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("BFF-Degraded")).contains("rating=");
      }
      // every call to reviews fails: its breaker (ratio 0.5 of at least 20 calls) opens
      demo.services().faults("reviews").add(FaultRule.on("/reviews*").withStatus(500, 1.0));
      for (int i = 0; i < 20 && !reviewsCircuit(bff).equals("open"); i++) {
        bff.purgeCache();
        assertThat(bff.get("/api/product-details/7").status()).isEqualTo(200);
      }
      assertThat(reviewsCircuit(bff)).isEqualTo("open");

      JsonObject snapshot = new JsonObject(admin(bff, "/admin/dashboard"));
      JsonObject details = snapshot.getJsonArray("routes").stream().map(JsonObject.class::cast)
          .filter(r -> r.getString("route").equals("product-details")).findFirst().orElseThrow();
      assertThat(details.getLong("requests")).isGreaterThanOrEqualTo(4);
      assertThat(details.getDouble("rps")).isGreaterThan(0);
      assertThat(details.getDouble("degradedRatio")).isEqualTo(1.0);
      assertThat(details.getDouble("p99Ms")).isNotNull();
      assertThat(snapshot.getJsonObject("slow").getJsonArray("requests")).isNotEmpty();

      String url = "http://127.0.0.1:" + bff.adminPort() + "/dashboard";
      String dom = Chromium.run("--dump-dom", url);
      assertThat(dom).contains("data-route=\"product-details\"", "data-route=\"home\"", "data-route=\"products\"");
      Matcher row = Pattern.compile("data-route=\"product-details\"><td>product-details</td><td class=\"num\">(\\d+)<")
          .matcher(dom);
      assertThat(row.find()).as("product-details row with its request count in\n%s", dom).isTrue();
      assertThat(Long.parseLong(row.group(1))).isGreaterThan(0);
      assertThat(dom).contains("data-part=\"rating\"><b>rating</b>");
      // the breaker may have moved to half-open (open-for 5 s) by the time the page renders
      assertThat(dom).containsPattern("data-circuit=\"reviews\">(open|half_open)<");
      assertThat(dom).contains("data-circuit=\"catalog\">closed<");
      assertThat(dom).contains("class=\"bar fail\"", "data-cache=\"hit ratio\"", "data-policy=\"visitor\"");

      File png = new File("target/dashboard.png").getAbsoluteFile();
      Files.deleteIfExists(png.toPath());
      Chromium.run("--screenshot=" + png, "--window-size=1400,1000", url);
      assertThat(png).exists();
      assertThat(png.length()).isGreaterThan(0);
    }
  }

  private static String reviewsCircuit(BffUnderTest bff) throws Exception {
    return new JsonObject(admin(bff, "/admin/upstreams")).getJsonObject("reviews").getJsonObject("circuitBreaker")
        .getString("state");
  }

  private static String admin(BffUnderTest bff, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bff.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
