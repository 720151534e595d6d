package dev.bff.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.Scrape;
import dev.bff.demo.FaultRule;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code deploy/observability}: every metric the Grafana dashboard's queries and the Prometheus
 * alert rules name is exported by bff-web (built-in YAML, demo services) after some traffic, with
 * the type its suffix implies ({@code _bucket} of a histogram, {@code _count}/{@code _sum} of a
 * histogram or summary).
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ObservabilityArtifactsTest {
  /** Metric names as the exporters here name them; quoted label values are removed before matching. */
  static final Pattern METRIC = Pattern.compile("\\b((?:bff|jvm|process|system|vertx|netty)_[A-Za-z0-9_:]*)");
  static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);

  DemoStack demo;
  BffUnderTest bff;
  Scrape scrape;
  Map<String, String> types = new HashMap<>();

  @BeforeAll
  void start(Vertx vertx) {
    demo = DemoStack.start(vertx);
    bff = BuiltInBff.start(vertx, new WebBff(), demo.vars());
    // traffic making every lazily created series appear: a cache miss and hit, a degraded page
    // (a failing part), an authentication failure
    assertThat(bff.get("/api/products/5").status()).isEqualTo(200);
    assertThat(bff.get("/api/products/5").header("X-Cache")).isEqualTo("HIT");
    demo.services().faults("reviews").add(FaultRule.on("/reviews").withStatus(500, 1.0));
    var page = bff.get("/api/product-details/7");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("BFF-Degraded")).contains("reviews");
    assertThat(bff.get("/api/me").status()).isEqualTo(401);
    assertThat(bff.get("/api/home").status()).isEqualTo(200);
    Poll.until("the degraded answer counted", Duration.ofSeconds(10), () -> {
      scrape = Scrape.of(bff);
      return scrape.has("bff_degraded_responses_total") && scrape.has("bff_auth_failures_total");
    });
    Matcher m = TYPE.matcher(scrape.text());
    while (m.find()) {
      types.put(m.group(1), m.group(2));
    }
  }

  @AfterAll
  void stop() {
    if (bff != null) {
      bff.close();
    }
    demo.close();
  }

  static Path observability() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("deploy/observability"))) {
      dir = dir.getParent(); // the module's directory under Maven, the repository's in an IDE
    }
    assertThat(dir).as("deploy/observability above " + Path.of("").toAbsolutePath()).isNotNull();
    return dir.resolve("deploy/observability");
  }

  /** The metric names in PromQL expressions (quoted label values, which may look like names, left out). */
  static Set<String> metricNames(List<String> exprs) {
    Set<String> names = new TreeSet<>();
    for (String e : exprs) {
      Matcher m = METRIC.matcher(QUOTED.matcher(e).replaceAll("\"\""));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Every text of {@code field} anywhere under {@code node}. */
  static void collect(JsonNode node, Set<String> fields, List<String> out) {
    node.fields().forEachRemaining(e -> {
      if (fields.contains(e.getKey()) && e.getValue().isTextual()) {
        out.add(e.getValue().asText());
      }
    });
    node.elements().forEachRemaining(child -> collect(child, fields, out));
  }

  /** Names the scrape lacks, or exports with another type than the reference's suffix implies. */
  List<String> missing(Set<String> names) {
    Set<String> exported = scrape.series().stream().map(Scrape.Series::name).collect(Collectors.toSet());
    List<String> missing = new ArrayList<>();
    for (String n : names) {
      if (!exported.contains(n)) {
        missing.add(n + " (not exported)");
        continue;
      }
      String base = n.replaceFirst("_(bucket|count|sum)$", "");
      String type = types.get(base);
      if (n.endsWith("_bucket") && !"histogram".equals(type)) {
        missing.add(n + " (" + base + " is a " + type + ", not a histogram)");
      } else if ((n.endsWith("_count") || n.endsWith("_sum")) && !n.equals(base)
          && !"histogram".equals(type) && !"summary".equals(type)) {
        missing.add(n + " (" + base + " is a " + type + ")");
      }
    }
    return missing;
  }

  @Test
  void everyMetricOfTheDashboardIsExported() throws IOException {
    JsonNode dash = new ObjectMapper().readTree(observability().resolve("grafana-dashboard.json").toFile());
    List<String> exprs = new ArrayList<>();
    collect(dash.get("panels"), Set.of("expr"), exprs);
    int panels = 0;
    for (JsonNode p : dash.get("panels")) {
      if (!p.path("type").asText().equals("row")) {
        panels++;
        assertThat(p.path("targets")).as(p.path("title").asText()).isNotEmpty();
      }
    }
    collect(dash.get("templating"), Set.of("query", "definition"), exprs);
    Set<String> names = metricNames(exprs);
    assertThat(panels).isGreaterThanOrEqualTo(20);
    assertThat(names).contains("bff_request_duration_seconds_count", "bff_request_duration_seconds_bucket",
        "bff_degraded_responses_total", "bff_parts_total", "bff_upstream_errors_total", "bff_circuit_state",
        "bff_cache_requests_total", "bff_rate_limit_decisions_total", "bff_auth_failures_total");
    assertThat(missing(names)).as("metrics the dashboard names: " + names).isEmpty();
  }

  @Test
  void everyMetricOfTheAlertRulesIsExported() throws IOException {
    JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(observability().resolve("alerts.yaml").toFile());
    List<String> exprs = new ArrayList<>();
    Set<String> alerts = new TreeSet<>();
    for (JsonNode g : rules.get("groups")) {
      for (JsonNode r : g.get("rules")) {
        alerts.add(r.get("alert").asText());
        assertThat(r.path("expr").asText()).as(r.get("alert").asText()).isNotBlank();
        exprs.add(r.get("expr").asText());
      }
    }
    assertThat(alerts).contains("BffHighErrorRate", "BffCircuitOpen", "BffDegradedRatioHigh",
        "BffRateLimitStoreErrors", "BffCacheStoreDown");
    Set<String> names = metricNames(exprs);
    assertThat(names).contains("bff_circuit_state", "bff_rate_limit_store_errors_total", "bff_cache_store_up");
    assertThat(missing(names)).as("metrics the alert rules name: " + names).isEmpty();
  }

  @Test
  void aReferenceTheExporterDoesNotHaveIsCaught() {
    assertThat(metricNames(List.of("rate(bff_parts_total{job=\"bff_web_x\"}[5m]) / bff_nope_seconds_bucket")))
        .containsExactlyInAnyOrder("bff_nope_seconds_bucket", "bff_parts_total");
    assertThat(missing(Set.of("bff_nope_total", "bff_parts_bucket", "bff_request_duration_seconds_bucket")))
        .containsExactlyInAnyOrder("bff_nope_total (not exported)", "bff_parts_bucket (not exported)");
  }
}
