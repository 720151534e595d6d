package dev.bff.common.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import dev.bff.common.auth.ApiKeys;
import dev.bff.common.config.ConfigException;
import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.Reply;
import dev.bff.common.server.Bff;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** Audited routes and endpoints: one line per request on bff.audit, with who and a masked body. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class AuditLogTest {
  static final String KEY = "ak_audit_acme_1234567890";

  /** A module with one Java POST endpoint. */
  static final class Shop implements BffModule {
    @Override
    public String name() {
      return "audit-test";
    }

    @Override
    public void endpoints(Endpoints e) {
      e.post("place-order", "/orders", r -> Future.succeededFuture(Reply.json(new JsonObject().put("id", "o-1"))));
    }
  }

  final Logger audit = (Logger) LoggerFactory.getLogger("bff.audit");
  final AccessLogTest.Lines log = new AccessLogTest.Lines();
  FakeUpstream svc;
  BffUnderTest bff;
  Vertx vertx;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    log.start();
    audit.addAppender(log);
    svc = FakeUpstream.start(vertx, "svc");
  }

  @AfterEach
  void stop() {
    audit.detachAppender(log);
    if (bff != null) {
      bff.close();
    }
    svc.close();
  }

  private static final String YAML = """
      server: { port: 0, admin-port: 0, instances: 1 }
      auth:
        default: api-key
        api-keys: { keys: [ { id: acme-1, sha256: "%s", partner: acme, plan: premium } ] }
      audit:
        routes: [place-order, payments, refunds]
        mask: [ { field: cardNumber, keep-last: 4 }, cvv, { field: password } ]
      upstreams:
        svc: { instances: ["${SVC}"] }
      routes:
        - { id: payments, path: "/payments/**", upstream: svc, body-check: {} }
        - { id: refunds, path: "/refunds/**", upstream: svc }
        - { id: products, path: "/products/**", upstream: svc }
      """;

  private JsonObject line(String path) {
    Poll.until("the audit line of " + path, Duration.ofSeconds(10),
        () -> log.lines.stream().anyMatch(l -> l.contains("\"path\":\"" + path + "\"")));
    return new JsonObject(log.lines.stream().filter(l -> l.contains("\"path\":\"" + path + "\"")).findFirst()
        .orElseThrow());
  }

  @Test
  void anAuditedEndpointLogsWhoAndTheBodyWithCardNumbersMasked() {
    bff = BffUnderTest.start(vertx, new Shop(), YAML.formatted(ApiKeys.sha256(KEY)), Map.of("SVC", svc.url()));
    String order = """
        {"items":[{"sku":"7","qty":2}],"payment":{"cardNumber":"4111111111111111","cvv":"123","holder":"A. Buyer"},
         "account":{"Password":"hunter2"}}""";
    var r = bff.send(HttpMethod.POST, "/orders", Map.of("X-Api-Key", KEY, "Content-Type", "application/json"),
        Buffer.buffer(order));
    assertThat(r.status()).isEqualTo(200);
    JsonObject a = line("/orders");
    assertThat(a.getString("route")).isEqualTo("place-order");
    assertThat(a.getInteger("status")).isEqualTo(200);
    assertThat(a.getString("requestId")).isEqualTo(r.header("x-request-id"));
    assertThat(a.getJsonObject("principal").getMap()).containsEntry("method", "api-key").containsEntry("partner", "acme")
        .containsEntry("plan", "premium");
    JsonObject payment = a.getJsonObject("body").getJsonObject("payment");
    assertThat(payment.getString("cardNumber")).isEqualTo("************1111");
    assertThat(payment.getString("cvv")).isEqualTo("***");
    assertThat(payment.getString("holder")).isEqualTo("A. Buyer");
    assertThat(a.getJsonObject("body").getJsonObject("account").getString("Password")).isEqualTo("***");
    assertThat(a.getJsonObject("body").getJsonArray("items").getJsonObject(0).getInteger("qty")).isEqualTo(2);
    String raw = log.lines.stream().filter(l -> l.contains("/orders")).findFirst().orElseThrow();
    assertThat(raw).doesNotContain("4111111111111111", "hunter2", "\"123\"", KEY);
  }

  @Test
  void routesLogTheBodyTheyReadAndSayWhenItStreamedAndOthersAreNotAudited() {
    bff = BffUnderTest.start(vertx, new Shop(), YAML.formatted(ApiKeys.sha256(KEY)), Map.of("SVC", svc.url()));
    Map<String, String> h = Map.of("X-Api-Key", KEY, "Content-Type", "application/json");
    bff.send(HttpMethod.POST, "/payments/1", h, Buffer.buffer("{\"cardNumber\":\"5500000000000004\"}"));
    bff.send(HttpMethod.POST, "/refunds/1", h, Buffer.buffer("{\"cardNumber\":\"5500000000000004\"}"));
    bff.get("/products/1", Map.of("X-Api-Key", KEY));
    bff.send(HttpMethod.POST, "/orders", Map.of("Content-Type", "application/json"), Buffer.buffer("{}"));
    assertThat(line("/payments/1").getJsonObject("body").getString("cardNumber")).isEqualTo("************0004");
    assertThat(line("/refunds/1").getString("body")).isEqualTo("not captured (streamed to the upstream)");
    JsonObject refused = log.lines.stream().map(JsonObject::new)
        .filter(o -> "/orders".equals(o.getString("path"))).findFirst().orElseThrow();
    assertThat(refused.getInteger("status")).as("refused requests are audited too").isEqualTo(401);
    assertThat(refused.containsKey("principal")).isFalse();
    assertThat(log.lines).noneMatch(l -> l.contains("/products/1"));
    assertThat(log.lines).noneMatch(l -> l.contains("5500000000000004"));
  }

  @Test
  void anAuditedNameThatIsNoRouteOrEndpointStopsTheStart() {
    String yaml = YAML.formatted(ApiKeys.sha256(KEY)).replace("[place-order, payments, refunds]", "[place-ordr]");
    ConfigException e = catchThrowableOfType(() -> Bff.start(vertx, new Shop(),
        BffUnderTest.parse(yaml, Map.of("SVC", svc.url()))).await(), ConfigException.class);
    assertThat(e.getMessage()).contains("audit.routes", "no route or endpoint is named 'place-ordr'", "place-order");
  }
}
