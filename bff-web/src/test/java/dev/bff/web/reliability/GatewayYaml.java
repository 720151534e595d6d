package dev.bff.web.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.bff.common.config.EnvSubstitution;
import dev.bff.web.WebBff;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configuration the replicas run: bff-web's shipped {@code bff-web.yaml} with its {@code ${...}}
 * filled from the test's variables, plus a short, listed set of overrides ({@link #overrides()}) that
 * make faults visible (no cache in front of the pass-through route and the product page) and bound
 * slow clients. A second variant ({@link #variant}) differs in a route, an upstream timeout and a
 * limit, for reloads that really change something.
 */
final class GatewayYaml {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  private final ObjectNode base;
  private final List<String> overrides = new ArrayList<>();

  private GatewayYaml(ObjectNode base) {
    this.base = base;
  }

  /**
   * bff-web.yaml with {@code vars} substituted, two catalog instances and the overrides of the suite.
   *
   * @param idleTimeout {@code server.idle-timeout}, e.g. {@code 3s}
   */
  static GatewayYaml of(Map<String, String> vars, List<String> catalogInstances, String idleTimeout) {
    String text;
    try (InputStream in = WebBff.class.getClassLoader().getResourceAsStream("bff-web.yaml")) {
      if (in == null) {
        throw new IllegalStateException("bff-web.yaml is not on the class path");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      GatewayYaml y = new GatewayYaml((ObjectNode) YAML.readTree(new EnvSubstitution(vars::get).apply(text)));
      y.apply(catalogInstances, idleTimeout);
      return y;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void apply(List<String> catalogInstances, String idleTimeout) {
    ObjectNode server = (ObjectNode) base.get("server");
    server.put("idle-timeout", idleTimeout);
    server.put("h2c", false);
    overrides.add("server.idle-timeout: " + idleTimeout + " (shipped: the 60s default), so that slow clients "
        + "are cut within the run");
    overrides.add("server.h2c: false (shipped: true), as the README asks of internet-facing listeners: the "
        + "strict framing checks and the head timeout then cover a connection's first request too");
    ObjectNode catalog = (ObjectNode) base.get("upstreams").get("catalog");
    ArrayNode instances = catalog.putArray("instances");
    catalogInstances.forEach(instances::add);
    ((ObjectNode) catalog.get("health-check")).put("interval", "1s");
    overrides.add("upstreams.catalog.instances: two catalog instances (shipped: one); health-check.interval: 1s "
        + "(shipped: 5s)");
    for (String endpoint : List.of("product-details", "me")) {
      ((ObjectNode) base.get("endpoints").get(endpoint)).put("deadline", "3s");
    }
    overrides.add("endpoints.product-details.deadline and endpoints.me.deadline: 3s (shipped: 800ms): the 2-core "
        + "machine, shared with other builds, stalls for longer than 800 ms at times, and stalls are not what the "
        + "suite judges; the parts' own timeouts, which make the faults visible, are as shipped");
    route("products").remove("cache");
    overrides.add("routes[products].cache removed: /api/products/:id is a plain pass-through, every request "
        + "reaches the catalog");
    ((ObjectNode) base.get("endpoints").get("product-details")).remove("cache");
    overrides.add("endpoints.product-details.cache removed: every product page is composed (7 parts, one over "
        + "gRPC), so part faults show");
  }

  private ObjectNode route(String id) {
    for (JsonNode r : base.get("routes")) {
      if (id.equals(r.path("id").asText())) {
        return (ObjectNode) r;
      }
    }
    throw new IllegalStateException("bff-web.yaml has no route '" + id + "'");
  }

  /** What differs from the shipped bff-web.yaml, one line each. */
  List<String> overrides() {
    return List.copyOf(overrides);
  }

  /** The configuration as YAML text. */
  String text() {
    return write(base);
  }

  /**
   * A variant for reloads: an extra route ({@code /api/reload-probe/**}), the reviews upstream's
   * response timeout 1900ms instead of 2s (its pools are rebuilt) and the visitor rate one lower.
   */
  String variant() {
    ObjectNode v = base.deepCopy();
    ObjectNode probe = ((ArrayNode) v.get("routes")).addObject();
    probe.put("id", "reload-probe").put("path", "/api/reload-probe/**").put("upstream", "echo")
        .put("strip-prefix", "/api").put("auth", "public");
    ((ObjectNode) v.get("upstreams").get("reviews")).put("response-timeout", "1900ms");
    ObjectNode visitor = (ObjectNode) v.get("rate-limits").get("policies").get("visitor");
    String rate = visitor.get("rate").asText();
    int slash = rate.indexOf('/');
    visitor.put("rate", (Long.parseLong(rate.substring(0, slash)) - 1) + rate.substring(slash));
    return write(v);
  }

  private static String write(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
