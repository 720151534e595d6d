package dev.bff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * bff-web's demo product page ({@code web-static/} in the jar, on the {@code /} and {@code /static/**}
 * static routes): served publicly with its caching headers and security policy, calling the
 * composed product-details endpoint, and rendered by headless Chromium with the product's name
 * (leaving {@code target/demo-page.png} as an artifact).
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class DemoPageTest {
  DemoStack demo;
  BffUnderTest bff;

  @BeforeAll
  void start(Vertx vertx) {
    demo = DemoStack.start(vertx);
    bff = BuiltInBff.start(vertx, new WebBff(), demo.vars());
  }

  @AfterAll
  void stop() {
    bff.close();
    demo.close();
  }

  @Test
  void thePageIsServedPubliclyAndLoadsItsScript() {
    var page = bff.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("content-type")).isEqualTo("text/html; charset=utf-8");
    assertThat(page.header("content-security-policy")).startsWith("default-src 'self'");
    assertThat(page.header("cache-control")).isEqualTo("no-cache");
    assertThat(page.header("etag")).isNotNull();
    assertThat(page.body().toString()).contains("<script src=\"/static/app.js\"", "/static/style.css");
    assertThat(bff.get("/", Map.of("If-None-Match", page.header("etag"))).status()).isEqualTo(304);
    assertThat(bff.get("/static/").body()).as("the same page under /static/").isEqualTo(page.body());

    var script = bff.get("/static/app.js");
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.header("content-type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(script.header("cache-control")).isEqualTo("public, max-age=600");
    assertThat(script.body().toString()).contains("'/api/product-details/'");
    assertThat(bff.get("/static/style.css").header("content-type")).isEqualTo("text/css; charset=utf-8");
    assertThat(bff.send(HttpMethod.POST, "/static/app.js", Map.of(), null).status()).isEqualTo(405);
  }

  @Test
  void theEndpointThePageCallsAnswersWhatItRenders() {
    JsonObject p = bff.get("/api/product-details/12").json();
    assertThat(p.fieldNames()).contains("name", "brand", "price", "currency", "description", "inStock", "shipping",
        "rating", "images", "reviews", "recommendations");
    String script = bff.get("/static/app.js").body().toString();
    assertThat(script).contains("p.name", "p.price", "p.inStock", "p.shipping", "p.rating", "p.reviews",
        "p.recommendations", "p.images");
  }

  @Test
  void chromiumRendersTheProduct() throws Exception {
    Chromium.require("DemoPageTest");
    String name = bff.get("/api/products/12").json().getString("name");
    String dom = Chromium.run("--dump-dom", "http://127.0.0.1:" + bff.port() + "/?id=12");
    assertThat(dom).contains("<h2 id=\"name\">" + escaped(name) + "</h2>");
    assertThat(dom).contains("id=\"recommendations\"><li>");
    assertThat(dom).doesNotContain("could not be shown");

    java.io.File png = new java.io.File("target/demo-page.png").getAbsoluteFile();
    java.nio.file.Files.deleteIfExists(png.toPath());
    Chromium.run("--screenshot=" + png, "--window-size=1200,1000", "http://127.0.0.1:" + bff.port() + "/?id=12");
    assertThat(png).exists();
  }

  /** Text as the DOM serializer writes it. */
  private static String escaped(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
