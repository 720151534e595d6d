package dev.bff.common.server;

import dev.bff.common.config.BffConfig;
import dev.bff.common.config.ConfigProblem;
import dev.bff.common.config.WebSocketConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a reload changes: whether two configurations (or parts of them) are the same, value for value
 * and secrets included; the changes a reload cannot make while the listeners run; and the summary of
 * what it changed, by name.
 */
final class ConfigDiff {
  /**
   * The {@code server} settings a reload applies: they are read per request, not bound into a
   * listener. Every other server setting (ports, hosts, TLS, h2c, timeouts and sizes the listeners
   * enforce, compression, event loops, the admin token, the watch interval) takes a restart.
   */
  static final Set<String> RELOADABLE_SERVER = Set.of("access-log", "ip-filter", "cors", "security-headers",
      "hardening", "trusted-proxies", "drain-timeout");
  /** Top-level sections a reload cannot change: the process holds one Redis client, one registry, one tracer. */
  static final List<String> RESTART_SECTIONS = List.of("redis", "metrics", "tracing");

  private ConfigDiff() {}

  /** Whether two configuration values are equal in every field (nothing redacted). */
  static boolean same(Object a, Object b) {
    return Objects.equals(ConfigJson.revealed(a), ConfigJson.revealed(b));
  }

  /** Whether two whole configurations are the same but for where they were read from. */
  static boolean sameConfig(BffConfig a, BffConfig b) {
    return comparable(a).equals(comparable(b));
  }

  private static JsonObject comparable(BffConfig c) {
    JsonObject o = (JsonObject) ConfigJson.revealed(c);
    o.remove("source");
    return o;
  }

  /** One problem per setting that changed but only takes effect on a restart. */
  static List<ConfigProblem> restartOnly(BffConfig running, BffConfig next) {
    List<ConfigProblem> out = new ArrayList<>();
    JsonObject a = (JsonObject) ConfigJson.revealed(running.server());
    JsonObject b = (JsonObject) ConfigJson.revealed(next.server());
    Set<String> keys = new java.util.TreeSet<>(a.fieldNames());
    keys.addAll(b.fieldNames());
    for (String k : keys) {
      if (RELOADABLE_SERVER.contains(k)) {
        continue;
      }
      Object x = a.getValue(k);
      Object y = b.getValue(k);
      if (k.equals("limits") && x instanceof JsonObject lx && y instanceof JsonObject ly) {
        for (String l : List.of("max-request-line", "max-header-size")) { // the body limit is checked per request
          if (!Objects.equals(lx.getValue(l), ly.getValue(l))) {
            out.add(restart("server.limits." + l));
          }
        }
      } else if (!Objects.equals(x, y)) {
        out.add(restart("server." + k));
      }
    }
    JsonObject ra = (JsonObject) ConfigJson.revealed(running);
    JsonObject rb = (JsonObject) ConfigJson.revealed(next);
    for (String s : RESTART_SECTIONS) {
      if (!Objects.equals(ra.getValue(s), rb.getValue(s))) {
        out.add(restart(s));
      }
    }
    return out;
  }

  /**
   * One problem per WebSocket route of {@code next} taking frames larger than {@code frames}, the
   * largest the running listeners decode (set at start from the routes then).
   */
  static List<ConfigProblem> webSocketFrames(int frames, BffConfig next) {
    List<ConfigProblem> out = new ArrayList<>();
    for (int i = 0; i < next.routes().size(); i++) {
      WebSocketConfig ws = next.routes().get(i).websocket();
      if (ws != null && ws.maxFrameSize() > frames) { // the listeners' decoders would cut such frames
        out.add(new ConfigProblem("routes[" + i + "].websocket.max-frame-size", "is larger than " + frames
            + " bytes, the largest WebSocket frame the running listeners decode: it takes a restart (nothing was "
            + "reloaded)"));
      }
    }
    return out;
  }

  private static ConfigProblem restart(String key) {
    return new ConfigProblem(key, "changed, but the running listeners or clients were built with it: it takes a "
        + "restart (nothing was reloaded)");
  }

  /**
   * What {@code next} changes, by name: routes, endpoints and upstreams added, removed or changed,
   * and the other sections that changed.
   */
  static JsonObject changes(BffConfig running, List<String> runningEndpoints, BffConfig next,
      List<String> nextEndpoints) {
    Map<String, Object> ra = new LinkedHashMap<>();
    running.routes().forEach(r -> ra.put(r.id(), r));
    Map<String, Object> rb = new LinkedHashMap<>();
    next.routes().forEach(r -> rb.put(r.id(), r));
    Map<String, Object> ea = new LinkedHashMap<>();
    runningEndpoints.forEach(e -> ea.put(e, running.endpoint(e)));
    Map<String, Object> eb = new LinkedHashMap<>();
    nextEndpoints.forEach(e -> eb.put(e, next.endpoint(e)));
    JsonObject out = new JsonObject()
        .put("routes", named(ra, rb))
        .put("endpoints", named(ea, eb))
        .put("upstreams", named(new LinkedHashMap<>(running.upstreams()), new LinkedHashMap<>(next.upstreams())));
    JsonArray sections = new JsonArray();
    if (!same(running.auth(), next.auth())) {
      sections.add("auth");
    }
    if (!same(running.rateLimits(), next.rateLimits())) {
      sections.add("rate-limits");
    }
    if (!same(running.cache(), next.cache())) {
      sections.add("cache");
    }
    if (!same(running.audit(), next.audit())) {
      sections.add("audit");
    }
    if (!same(running.server(), next.server())) {
      sections.add("server");
    }
    return out.put("sections", sections);
  }

  private static JsonObject named(Map<String, Object> a, Map<String, Object> b) {
    JsonArray added = new JsonArray();
    JsonArray removed = new JsonArray();
    JsonArray changed = new JsonArray();
    b.forEach((k, v) -> {
      if (!a.containsKey(k)) {
        added.add(k);
      } else if (!same(a.get(k), v)) {
        changed.add(k);
      }
    });
    a.keySet().forEach(k -> {
      if (!b.containsKey(k)) {
        removed.add(k);
      }
    });
    return new JsonObject().put("added", added).put("removed", removed).put("changed", changed);
  }
}
