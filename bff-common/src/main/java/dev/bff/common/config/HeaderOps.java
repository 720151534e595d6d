package dev.bff.common.config;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Header changes applied to a request or response, in this order: rename, then remove, then set
 * (replace), then add (append).
 *
 * @param remove header names removed
 * @param set    headers replaced with the given value
 * @param add    headers appended with the given value
 * @param rename headers renamed ({@code old -> new}): the old header's values replace any the new
 *               name had; nothing happens when the old header is absent
 */
public record HeaderOps(List<String> remove, Map<String, String> set, Map<String, String> add,
    Map<String, String> rename) {
  /** No changes. */
  public static final HeaderOps NONE = new HeaderOps(List.of(), Map.of(), Map.of(), Map.of());

  /** Framing and hop-by-hop headers: the gateway writes them itself, so they are never renamed. */
  private static final Set<String> NOT_RENAMED = Set.of("content-length", "transfer-encoding", "host", "connection",
      "keep-alive", "proxy-connection", "te", "trailer", "upgrade");

  /** Whether there is nothing to do. */
  public boolean isEmpty() {
    return remove.isEmpty() && set.isEmpty() && add.isEmpty() && rename.isEmpty();
  }

  static HeaderOps read(ConfigNode n) {
    if (!n.present()) {
      return NONE;
    }
    n.allowOnly(Set.of("remove", "set", "add", "rename"));
    List<String> remove = n.strings("remove").stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    return new HeaderOps(remove, headerMap(n, "set"), headerMap(n, "add"), renames(n));
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

  /** {@code rename: {Old-Name: New-Name}}: valid names, no name renamed twice, no chains, nothing the gateway frames. */
  private static Map<String, String> renames(ConfigNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    Set<String> sources = new HashSet<>();
    Set<String> targets = new HashSet<>();
    n.entries("rename").forEach((from, v) -> sources.add(from.toLowerCase(Locale.ROOT)));
    n.entries("rename").forEach((from, v) -> {
      String to = v.text();
      String key = "rename." + from;
      String f = from.toLowerCase(Locale.ROOT);
      if (!HeaderNames.isToken(from)) {
        n.problem(key, "is not a valid header name");
      } else if (to == null) {
        v.problem(null, "must name the new header");
      } else if (!HeaderNames.isToken(to)) {
        v.problem(null, "'" + to + "' is not a valid header name");
      } else if (NOT_RENAMED.contains(f) || NOT_RENAMED.contains(to.toLowerCase(Locale.ROOT))) {
        n.problem(key, "framing and hop-by-hop headers (Content-Length, Transfer-Encoding, Host, Connection, ...) "
            + "are written by the gateway and cannot be renamed");
      } else if (to.equalsIgnoreCase(from)) {
        n.problem(key, "renames the header to itself");
      } else if (sources.contains(to.toLowerCase(Locale.ROOT))) {
        n.problem(key, "renames to '" + to + "', which is renamed too: rename each header once, to its final name");
      } else if (!targets.add(to.toLowerCase(Locale.ROOT))) {
        n.problem(key, "renames to '" + to + "' like another rename before it");
      } else if (out.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(from))) {
        n.problem(key, "is renamed twice (header names ignore case)");
      } else {
        out.put(from, to);
      }
    });
    return java.util.Collections.unmodifiableMap(out);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (!rename.isEmpty()) {
      sb.append("rename=").append(rename);
    }
    if (!remove.isEmpty()) {
      sb.append(sb.isEmpty() ? "" : " ").append("remove=").append(remove);
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
