package dev.bff.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in a parsed YAML document that reads typed values and records every problem with its
 * key path instead of failing at the first one. Environment references in scalar values are
 * substituted as they are read.
 */
public final class ConfigNode {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?");

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final JsonNode json;
  private final String path;
  private final List<ConfigProblem> problems;
  private final EnvSubstitution env;

  ConfigNode(JsonNode json, String path, List<ConfigProblem> problems, EnvSubstitution env) {
    this.json = json;
    this.path = path;
    this.problems = problems;
    this.env = env;
  }

  /** The key path of this node, e.g. {@code routes[2]}. */
  public String path() {
    return path;
  }

  /** Whether this node exists in the file (and is not null). */
  public boolean present() {
    return json != null && !json.isNull() && !json.isMissingNode();
  }

  /** Whether this node is a mapping. */
  public boolean isObject() {
    return present() && json.isObject();
  }

  /** Records a problem at this node's path, or at {@code key} below it when not null. */
  public void problem(String key, String message) {
    problems.add(new ConfigProblem(key == null ? path : sub(key), message));
  }

  /** The child under {@code key}; absent children are nodes whose {@link #present()} is false. */
  public ConfigNode child(String key) {
    JsonNode c = json != null && json.isObject() ? json.get(key) : null;
    return new ConfigNode(c, sub(key), problems, env);
  }

  /** Reports every key of this mapping that is not in {@code allowed} (typos are errors). */
  public void allowOnly(Set<String> allowed) {
    if (!present()) {
      return;
    }
    if (!json.isObject()) {
      problem(null, "must be a mapping");
      return;
    }
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        problem(k, "unknown key (expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
      }
    }
  }

  /** Whether this node is a list. */
  public boolean isList() {
    return present() && json.isArray();
  }

  /** This node's scalar text with environment references substituted, or null when absent. */
  public String text() {
    if (!present()) {
      return null;
    }
    if (!json.isValueNode()) {
      problem(null, "must be a single value, not a " + (json.isArray() ? "list" : "mapping"));
      return null;
    }
    try {
      return env.apply(json.asText());
    } catch (IllegalArgumentException e) {
      problem(null, e.getMessage());
      return null;
    }
  }

  /**
   * This node as a JSON value ({@code JsonObject}, {@code JsonArray}, string, number or boolean),
   * taken as written (no environment substitution), or null when absent.
   */
  public Object jsonValue() {
    if (!present()) {
      return null;
    }
    Object v = JSON.convertValue(json, Object.class);
    if (v instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      return new io.vertx.core.json.JsonObject(map);
    }
    if (v instanceof List<?> l) {
      return new io.vertx.core.json.JsonArray(new ArrayList<>(l));
    }
    return v;
  }

  /** A string value, or {@code def} when absent. */
  public String string(String key, String def) {
    String v = child(key).text();
    return v == null ? def : v;
  }

  /** A string value that must be present and non-empty; null (with a problem) otherwise. */
  public String requiredString(String key) {
    String v = child(key).text();
    if (v == null || v.isBlank()) {
      problem(key, "is required");
      return null;
    }
    return v;
  }

  /** An integer within {@code [min, max]}, or {@code def} when absent. */
  public int integer(String key, int def, int min, int max) {
    String v = child(key).text();
    if (v == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        problem(key, "must be between " + min + " and " + max + ", was " + n);
        return def;
      }
      return n;
    } catch (NumberFormatException e) {
      problem(key, "must be an integer, was '" + v + "'");
      return def;
    }
  }

  /** A number within {@code [min, max]}, or {@code def} when absent. */
  public double number(String key, double def, double min, double max) {
    String v = child(key).text();
    if (v == null) {
      return def;
    }
    try {
      double n = Double.parseDouble(v.trim());
      if (n < min || n > max) {
        problem(key, "must be between " + min + " and " + max + ", was " + v);
        return def;
      }
      return n;
    } catch (NumberFormatException e) {
      problem(key, "must be a number, was '" + v + "'");
      return def;
    }
  }

  /** A boolean ({@code true}/{@code false}), or {@code def} when absent. */
  public boolean bool(String key, boolean def) {
    String v = child(key).text();
    if (v == null) {
      return def;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> {
        problem(key, "must be true or false, was '" + v + "'");
        yield def;
      }
    };
  }

  /**
   * A duration such as {@code 300ms}, {@code 5s}, {@code 2m}, {@code 1h} (a bare number is
   * milliseconds), or {@code def} when absent.
   */
  public Duration duration(String key, Duration def) {
    return child(key).asDuration(def);
  }

  /** This node as a duration (see {@link #duration(String, Duration)}), or {@code def} when absent. */
  public Duration asDuration(Duration def) {
    String v = text();
    if (v == null) {
      return def;
    }
    Matcher m = DURATION.matcher(v.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      problem(null, "must be a duration like 300ms, 5s, 2m or 1h, was '" + v + "'");
      return def;
    }
    String unit = m.group(2) == null ? "ms" : m.group(2);
    try {
      long n = Long.parseLong(m.group(1));
      Duration d = switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      d.toMillis(); // timeouts are used in milliseconds: fail here, not at start-up
      return d;
    } catch (NumberFormatException | ArithmeticException e) {
      problem(null, "must be a duration like 300ms, 5s, 2m or 1h, was '" + v + "' (too large)");
      return def;
    }
  }

  /** A byte size such as {@code 8KB}, {@code 10MB}, {@code 1GiB} (a bare number is bytes). */
  public long size(String key, long def) {
    String v = child(key).text();
    if (v == null) {
      return def;
    }
    Matcher m = SIZE.matcher(v.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      problem(key, "must be a size like 512, 8KB, 10MB or 1GB, was '" + v + "'");
      return def;
    }
    String unit = m.group(2) == null ? "b" : m.group(2);
    long mult = switch (unit) {
      case "kb", "kib" -> 1024L;
      case "mb", "mib" -> 1024L * 1024;
      case "gb", "gib" -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), mult);
    } catch (NumberFormatException | ArithmeticException e) {
      problem(key, "must be a size like 512, 8KB, 10MB or 1GB, was '" + v + "' (too large)");
      return def;
    }
  }

  /** The elements of a list (a single scalar counts as a one-element list); empty when absent. */
  public List<ConfigNode> list(String key) {
    ConfigNode c = key == null ? this : child(key);
    List<ConfigNode> out = new ArrayList<>();
    if (!c.present()) {
      return out;
    }
    if (!c.json.isArray()) {
      if (c.json.isValueNode()) {
        out.add(c);
      } else {
        c.problem(null, "must be a list");
      }
      return out;
    }
    for (int i = 0; i < c.json.size(); i++) {
      out.add(new ConfigNode(c.json.get(i), c.path + "[" + i + "]", problems, env));
    }
    return out;
  }

  /** The texts of a list of scalars; empty when absent. */
  public List<String> strings(String key) {
    List<String> out = new ArrayList<>();
    for (ConfigNode n : list(key)) {
      String t = n.text();
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /** The entries of a mapping, in file order; empty when absent. */
  public Map<String, ConfigNode> entries(String key) {
    ConfigNode c = key == null ? this : child(key);
    Map<String, ConfigNode> out = new LinkedHashMap<>();
    if (!c.present()) {
      return out;
    }
    if (!c.json.isObject()) {
      c.problem(null, "must be a mapping");
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = c.json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), new ConfigNode(e.getValue(), c.sub(e.getKey()), problems, env));
    }
    return out;
  }

  private String sub(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
