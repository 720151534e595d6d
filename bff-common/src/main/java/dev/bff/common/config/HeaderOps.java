package dev.bff.common.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Header changes applied to a request or response: remove first, then set (replace), then add
 * (append).
 *
 * @param remove header names removed
 * @param set    headers replaced with the given value
 * @param add    headers appended with the given value
 */
public record HeaderOps(List<String> remove, Map<String, String> set, Map<String, String> add) {
  /** No changes. */
  public static final HeaderOps NONE = new HeaderOps(List.of(), Map.of(), Map.of());

  /** Whether there is nothing to do. */
  public boolean isEmpty() {
    return remove.isEmpty() && set.isEmpty() && add.isEmpty();
  }

  static HeaderOps read(ConfigNode n) {
    if (!n.present()) {
      return NONE;
    }
    n.allowOnly(Set.of("remove", "set", "add"));
    List<String> remove = n.strings("remove").stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    return new HeaderOps(remove, headerMap(n, "set"), headerMap(n, "add"));
  }

  private static Map<String, String> headerMap(ConfigNode n, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    n.entries(key).forEach((name, v) -> {
      if (!HeaderNames.isToken(name)) {
        n.problem(key + "." + name, "is not a valid header name");
        return;
      }
      String value = v.text();
      if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)) {
        v.problem(null, "header values must not contain CR or LF");
        return;
      }
      if (value != null) {
        out.put(name, value);
      }
    });
    return Map.copyOf(out);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (!remove.isEmpty()) {
      sb.append("remove=").append(remove);
    }
    if (!set.isEmpty()) {
      sb.append(sb.isEmpty() ? "" : " ").append("set=").append(set);
    }
    if (!add.isEmpty()) {
      sb.append(sb.isEmpty() ? "" : " ").append("add=").append(add);
    }
    return sb.toString();
  }
}
