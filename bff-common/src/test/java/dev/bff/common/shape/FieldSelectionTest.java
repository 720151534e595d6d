package dev.bff.common.shape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code ?fields=} selects top-level fields of a composed answer. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class FieldSelectionTest {
  FakeUpstream svc;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    svc = FakeUpstream.start(vertx, "svc").handler(req -> {
      if (req.path().startsWith("/bad")) {
        req.response().setStatusCode(500).end();
        return;
      }
      req.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("name", "Lamp").put("price", 10).put("description", "long").encode());
    });
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${SVC}"], retry: { attempts: 0 } }
        endpoints:
          card:
            path: /c/:id
            fields-param: fields
            parts:
              product: { upstream: svc, path: "/p/{id}", required: true }
              extra:   { upstream: svc, path: "/bad/{id}" }
            shape:
              - { merge: product }
              - { put: extra, from: extra }
        """, Map.of("SVC", svc.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
  }

  @Test
  void keepsTheNamedFieldsAndTheDegradationMeta() {
    JsonObject all = bff.get("/c/1").json();
    assertThat(all.fieldNames()).contains("name", "price", "description", "_meta");
    JsonObject some = bff.get("/c/1?fields=price,name,extra").json();
    assertThat(some.fieldNames()).containsExactly("price", "name", "_meta");
    assertThat(some.getJsonObject("_meta").getJsonArray("degraded")).hasSize(1);
  }

  @Test
  void aMalformedListIs400BeforeAnyUpstreamIsCalled() {
    int before = svc.count();
    var r = bff.get("/c/1?fields=name,,price");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("fields");
    assertThat(bff.get("/c/1?fields=na%20me").status()).isEqualTo(400);
    assertThat(svc.count()).isEqualTo(before);
  }
}
