package dev.bff.common.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.proxy.Compression;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strong ETags and 304 on If-None-Match for endpoints with {@code etag: true}, gzip included. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class ETagTest {
  FakeUpstream svc;
  BffUnderTest bff;
  volatile String name = "Lamp";

  @BeforeEach
  void start(Vertx vertx) {
    svc = FakeUpstream.start(vertx, "svc").handler(req -> {
      JsonArray tags = new JsonArray();
      for (int i = 0; i < 100; i++) {
        tags.add("tag number " + i); // enough bytes to be worth compressing
      }
      req.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("name", name).put("tags", tags).encode());
    });
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${SVC}"] }
        endpoints:
          tagged:
            path: /t/:id
            etag: true
            parts: { product: { upstream: svc, path: "/p/{id}" } }
          untagged:
            path: /u/:id
            parts: { product: { upstream: svc, path: "/p/{id}" } }
        """, Map.of("SVC", svc.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
  }

  @Test
  void aStrongTagAnd304WhenTheClientHasIt() {
    var first = bff.get("/t/1");
    String tag = first.header("etag");
    assertThat(tag).matches("\"[A-Za-z0-9_-]{22}\"");
    assertThat(bff.get("/t/1").header("etag")).as("same body, same tag").isEqualTo(tag);

    var notModified = bff.get("/t/1", Map.of("If-None-Match", tag));
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.body().length()).isZero();
    assertThat(notModified.header("etag")).isEqualTo(tag);

    assertThat(bff.get("/t/1", Map.of("If-None-Match", "\"other\", W/" + tag)).status())
        .as("weak comparison over a list").isEqualTo(304);
    assertThat(bff.get("/t/1", Map.of("If-None-Match", "*")).status()).isEqualTo(304);
    assertThat(bff.get("/t/1", Map.of("If-None-Match", "\"other\"")).status()).isEqualTo(200);

    name = "Desk";
    var changed = bff.get("/t/1", Map.of("If-None-Match", tag));
    assertThat(changed.status()).as("the body changed").isEqualTo(200);
    assertThat(changed.header("etag")).isNotEqualTo(tag);
  }

  @Test
  void theGzippedRepresentationHasItsOwnTag() {
    var plain = bff.get("/t/1");
    var gz = bff.get("/t/1", Map.of("Accept-Encoding", "gzip"));
    assertThat(gz.header("content-encoding")).isEqualTo("gzip");
    assertThat(gz.header("etag")).isEqualTo(plain.header("etag").replaceFirst("\"$", "-gzip\""));
    assertThat(bff.get("/t/1", Map.of("Accept-Encoding", "gzip", "If-None-Match", gz.header("etag"))).status())
        .isEqualTo(304);
    assertThat(bff.get("/t/1", Map.of("If-None-Match", gz.header("etag"))).status())
        .as("the identity representation is another one").isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "deflate", "gzip;q=0.5, deflate", "deflate;q=0.5, gzip;q=0.9", "*", "gzip;q=0, *",
      "br", "br, deflate", "identity", "gzip;q=0", "deflate, gzip"})
  void theTagNamesTheCodingTheServerReallyChose(String acceptEncoding) {
    var r = bff.get("/t/1", Map.of("Accept-Encoding", acceptEncoding));
    String sent = r.header("content-encoding");
    assertThat(Compression.coding(acceptEncoding)).as("predicted for %s", acceptEncoding).isEqualTo(sent);
    String tag = r.header("etag");
    if (sent == null) {
      assertThat(tag).matches("\"[A-Za-z0-9_-]{22}\"");
    } else {
      assertThat(tag).endsWith("-" + sent + "\"");
    }
  }

  @Test
  void onlyEndpointsThatAskForIt() {
    assertThat(bff.get("/u/1").header("etag")).isNull();
    assertThat(bff.get("/u/1", Map.of("If-None-Match", "*")).status()).isEqualTo(200);
  }

  @Test
  void matchingIsStrictAboutSyntax() {
    assertThat(ETags.matches("\"abc\"", "\"abc\"")).isTrue();
    assertThat(ETags.matches("W/\"abc\"", "\"abc\"")).isTrue();
    assertThat(ETags.matches(" \"x\" ,\"abc\"", "\"abc\"")).isTrue();
    assertThat(ETags.matches("abc", "\"abc\"")).isFalse();
    assertThat(ETags.matches("\"abc", "\"abc\"")).isFalse();
    assertThat(ETags.matches(null, "\"abc\"")).isFalse();
    assertThat(ETags.matches("\"abcd\"", "\"abc\"")).isFalse();
  }
}
