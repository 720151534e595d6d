package dev.bff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.aggregate.Degradation;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestClient;
import dev.bff.demo.FaultRule;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every optional part of bff-web's product page, made slow past its timeout, erroring, hanging,
 * resetting its connection, or with its upstream's circuit open, through the demo services' fault
 * injection: the page is still 200 and says exactly which parts degraded, why, and what was
 * served instead, in {@code BFF-Degraded}, {@code _meta.degraded} and {@code Server-Timing}.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class DegradationMatrixTest {
  /** An optional part: the service and path it calls, and what it serves when it fails. */
  record PartUnderTest(String part, String service, String path, String served) {}

  static final List<PartUnderTest> OPTIONAL = List.of(
      new PartUnderTest("reviews", "reviews", "/reviews", "fallback"),
      new PartUnderTest("rating", "reviews", "/reviews/summary", "omitted"),
      new PartUnderTest("inventory", "inventory-grpc", ProductDetailsTest.GET_STOCK, "omitted"), // a gRPC part
      new PartUnderTest("shipping", "shipping", "/shipping/estimate", "omitted"),
      new PartUnderTest("recommendations", "recommendations", "/recommendations", "omitted"));

  enum Mode { SLOW, ERROR, HANG, RESET, CIRCUIT_OPEN }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (PartUnderTest p : OPTIONAL) {
      for (Mode m : Mode.values()) {
        all.add(Arguments.of(p, m));
      }
    }
    return all.stream();
  }

  Vertx vertx;
  DemoStack demo;
  BffUnderTest bff;

  @BeforeAll
  void startDemo(Vertx vertx) {
    this.vertx = vertx;
    demo = DemoStack.start(vertx);
  }

  @AfterAll
  void stopDemo() {
    demo.close();
  }

  @BeforeEach
  void startBff() {
    bff = BuiltInBff.start(vertx, new WebBff(), demo.vars()); // fresh: no last good values, closed circuits
  }

  @AfterEach
  void stopBff() {
    bff.close();
    demo.clearFaults();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void thePageDegradesPartByPart(PartUnderTest p, Mode mode) {
    // the parts that degrade and why, in declaration order
    Map<String, String> expected = new LinkedHashMap<>();
    String reason = switch (mode) {
      case SLOW, HANG -> "timeout";
      case ERROR, RESET -> "error";
      case CIRCUIT_OPEN -> "circuit_open";
    };
    if (mode == Mode.CIRCUIT_OPEN) {
      openCircuit(p.service());
      for (PartUnderTest other : OPTIONAL) { // every part on that upstream answers at once
        if (other.service().equals(p.service())) {
          expected.put(other.part(), reason);
        }
      }
    } else {
      FaultRule rule = FaultRule.on(p.path());
      rule = switch (mode) {
        case SLOW -> rule.withLatency(700); // past the part's timeout (300-400 ms), within the 800 ms deadline
        case ERROR -> rule.withStatus(500, 1.0);
        case HANG -> rule.withHang();
        default -> rule.withReset();
      };
      demo.services().faults(p.service()).add(rule);
      expected.put(p.part(), reason);
    }
    if (expected.containsKey("recommendations")) {
      expected.put("related", "skipped"); // it needs the ids it did not get
    }

    var r = bff.get("/api/product-details/31");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    JsonObject page = r.json();
    assertThat(page.getString("name")).as("the required product is there").isNotNull();

    StringBuilder header = new StringBuilder();
    expected.forEach((part, why) -> header.append(header.isEmpty() ? "" : ", ").append(part).append('=').append(why));
    assertThat(r.header(Degradation.HEADER)).isEqualTo(header.toString());

    JsonArray degraded = page.getJsonObject("_meta").getJsonArray("degraded");
    assertThat(degraded).hasSize(expected.size());
    int i = 0;
    for (Map.Entry<String, String> e : expected.entrySet()) {
      JsonObject d = degraded.getJsonObject(i++);
      assertThat(d.getString("part")).isEqualTo(e.getKey());
      assertThat(d.getString("reason")).isEqualTo(e.getValue());
      String served = OPTIONAL.stream().filter(o -> o.part().equals(e.getKey())).map(PartUnderTest::served)
          .findFirst().orElse("omitted");
      assertThat(d.getString("served")).as("%s served", e.getKey()).isEqualTo(served);
      assertThat(d.getString("detail")).isNotBlank().doesNotContain("127.0.0.1");
    }
    if (expected.containsKey("reviews")) {
      assertThat(page.getJsonArray("reviews")).as("the static fallback: no reviews").isEmpty();
    }
    if (expected.containsKey("inventory")) {
      assertThat(page.containsKey("inventory")).isFalse();
      assertThat(page.containsKey("inStock")).as("computed from the missing stock").isFalse();
    }
    if (expected.containsKey("recommendations")) {
      assertThat(page.containsKey("recommendations")).isFalse();
    }

    String timing = r.header("server-timing");
    for (String part : ProductDetailsTest.PARTS) {
      String why = expected.getOrDefault(part, "ok");
      assertThat(timing).as("Server-Timing of %s", part).containsPattern(
          (why.equals("skipped") ? part + ";desc=\"skipped\"" : part + ";dur=\\d+\\.\\d;desc=\"" + why + "\""));
    }
  }

  /** Fails every call to {@code service} until its circuit opens, then lets the service recover. */
  private void openCircuit(String service) {
    demo.services().faults(service).add(FaultRule.on("*").withStatus(500, 1.0));
    try (TestClient admin = TestClient.of(vertx, bff.adminPort())) {
      for (int i = 0; i < 40 && !state(admin, service).equals("open"); i++) {
        bff.get("/api/product-details/" + (40 + i));
      }
      Poll.until("circuit of " + service + " open", Duration.ofSeconds(5),
          () -> state(admin, service).equals("open"));
    }
    demo.services().faults(service).clear(); // the service is fine again; the open circuit still answers
  }

  private static String state(TestClient admin, String upstream) {
    return admin.get("/admin/upstreams").json().getJsonObject(upstream).getJsonObject("circuitBreaker")
        .getString("state");
  }
}
