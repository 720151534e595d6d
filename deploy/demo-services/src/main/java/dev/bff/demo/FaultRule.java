package dev.bff.demo;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One fault to inject into the requests of one path, as posted to {@code POST /_admin/faults}.
 *
 * <p>{@code path} is an exact path ({@code "/products/7"}), a prefix when it ends with {@code *}
 * ({@code "/products/*"}) or {@code "*"} for every path. Effects, in the order they apply: wait
 * {@code latencyMs}; then {@code reset} the connection, or {@code hang} (never answer), or answer
 * {@code status} for an {@code errorRate} fraction of requests; otherwise run the real handler and
 * {@code trickle} its body. An empty {@code methods} set means every method.
 *
 * @param path       exact path, prefix ending with {@code *}, or {@code *}
 * @param latencyMs  delay before anything else, {@code 0} for none
 * @param status     status to answer instead of the real handler, or {@code null}
 * @param errorRate  fraction of requests (0..1) that get {@code status}
 * @param hang       never answer
 * @param reset      close the connection abruptly (TCP RST on HTTP/1.x, RST_STREAM on HTTP/2)
 * @param trickle    write the real body slowly, or {@code null}
 * @param methods    upper-case methods the rule applies to; empty for all
 */
public record FaultRule(String path, long latencyMs, Integer status, double errorRate, boolean hang, boolean reset,
                        Trickle trickle, Set<String> methods) {

  private static final Set<String> KEYS =
    Set.of("path", "latencyMs", "status", "errorRate", "hang", "reset", "trickle", "methods");

  /**
   * Slow body writing: {@code bytes} per chunk, one chunk every {@code intervalMs}.
   *
   * @param bytes      chunk size, at least 1
   * @param intervalMs pause between chunks, at least 0
   */
  public record Trickle(int bytes, long intervalMs) {

    /** Checks the bounds. */
    public Trickle {
      if (bytes < 1 || intervalMs < 0) {
        throw new IllegalArgumentException("trickle needs bytes >= 1 and intervalMs >= 0");
      }
    }
  }

  /** Checks the rule and normalises {@code methods}. */
  public FaultRule {
    List<String> problems = new ArrayList<>();
    if (path == null || path.isEmpty() || !(path.startsWith("/") || path.equals("*"))) {
      problems.add("path must start with '/' or be '*'");
    } else if (path.indexOf('*') >= 0 && path.indexOf('*') != path.length() - 1) {
      problems.add("path may contain '*' only at its end");
    }
    if (latencyMs < 0) {
      problems.add("latencyMs must be >= 0");
    }
    if (status != null && (status < 100 || status > 599)) {
      problems.add("status must be between 100 and 599");
    }
    if (errorRate < 0 || errorRate > 1) {
      problems.add("errorRate must be between 0 and 1");
    }
    if (hang && reset) {
      problems.add("hang and reset exclude each other");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    Set<String> normalised = new LinkedHashSet<>();
    if (methods != null) {
      methods.forEach(m -> normalised.add(m.toUpperCase(Locale.ROOT)));
    }
    methods = Set.copyOf(normalised);
  }

  /** A rule for {@code path} with no effect yet; add effects with the {@code with...} methods. */
  public static FaultRule on(String path) {
    return new FaultRule(path, 0, null, 1.0, false, false, null, Set.of());
  }

  /** This rule with a delay. */
  public FaultRule withLatency(long millis) {
    return new FaultRule(path, millis, status, errorRate, hang, reset, trickle, methods);
  }

  /** This rule answering {@code code} for a {@code rate} fraction of requests. */
  public FaultRule withStatus(int code, double rate) {
    return new FaultRule(path, latencyMs, code, rate, hang, reset, trickle, methods);
  }

  /** This rule never answering. */
  public FaultRule withHang() {
    return new FaultRule(path, latencyMs, status, errorRate, true, false, trickle, methods);
  }

  /** This rule resetting the connection. */
  public FaultRule withReset() {
    return new FaultRule(path, latencyMs, status, errorRate, false, true, trickle, methods);
  }

  /** This rule trickling the body. */
  public FaultRule withTrickle(int bytes, long intervalMs) {
    return new FaultRule(path, latencyMs, status, errorRate, hang, reset, new Trickle(bytes, intervalMs), methods);
  }

  /** This rule limited to some methods. */
  public FaultRule withMethods(String... names) {
    return new FaultRule(path, latencyMs, status, errorRate, hang, reset, trickle, Set.of(names));
  }

  /** Whether {@code path} ends with {@code *}. */
  public boolean isPrefix() {
    return path.endsWith("*");
  }

  /** The path without its trailing {@code *}; empty for {@code "*"}. */
  public String prefix() {
    return isPrefix() ? path.substring(0, path.length() - 1) : path;
  }

  /** Whether the rule applies to requests with this method. */
  public boolean appliesTo(HttpMethod method) {
    return methods.isEmpty() || methods.contains(method.name());
  }

  /** Whether the rule's path matches {@code requestPath}. */
  public boolean matches(String requestPath) {
    return isPrefix() ? requestPath.startsWith(prefix()) : requestPath.equals(path);
  }

  /**
   * Reads a rule from its JSON form; {@code errorRate} defaults to 1.0.
   *
   * @throws IllegalArgumentException listing every problem found, unknown keys included
   */
  public static FaultRule fromJson(JsonObject json) {
    List<String> unknown = new ArrayList<>();
    for (String key : json.fieldNames()) {
      if (!KEYS.contains(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown keys " + unknown + "; known: " + KEYS);
    }
    try {
      JsonObject t = json.getJsonObject("trickle");
      Trickle trickle = t == null ? null
        : new Trickle(t.getInteger("bytes", 0), t.getLong("intervalMs", 0L));
      JsonArray m = json.getJsonArray("methods", new JsonArray());
      Set<String> methods = new LinkedHashSet<>();
      m.forEach(v -> methods.add(String.valueOf(v)));
      return new FaultRule(json.getString("path"), json.getLong("latencyMs", 0L), json.getInteger("status"),
        json.getDouble("errorRate", 1.0), json.getBoolean("hang", false), json.getBoolean("reset", false),
        trickle, methods);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("a field has the wrong type: " + e.getMessage(), e);
    }
  }

  /** The JSON form; every key is present, {@code status} and {@code trickle} may be null. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("path", path)
      .put("latencyMs", latencyMs)
      .put("status", status)
      .put("errorRate", errorRate)
      .put("hang", hang)
      .put("reset", reset)
      .put("trickle", trickle == null ? null
        : new JsonObject().put("bytes", trickle.bytes()).put("intervalMs", trickle.intervalMs()))
      .put("methods", new JsonArray(List.copyOf(methods)));
  }
}
