package dev.bff.common.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Comparing and searching parsed YAML: differences by key path, {@code ${NAME}} references, object ids. */
final class YamlTrees {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?}");

  private YamlTrees() {
  }

  /** Keys (as JSON pointers) where the two trees differ, other than under {@code allowed}. */
  static void diff(String path, JsonNode a, JsonNode b, List<String> allowed, List<String> out) {
    if (allowed.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"))) {
      return;
    }
    if (a != null && b != null && a.isObject() && b.isObject()) {
      Set<String> keys = new LinkedHashSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      b.fieldNames().forEachRemaining(keys::add);
      keys.forEach(k -> diff(path + "/" + k.replace("~", "~0").replace("/", "~1"), a.get(k), b.get(k), allowed, out));
    } else if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        diff(path + "/" + i, a.get(i), b.get(i), allowed, out);
      }
    } else if (a == null || !a.equals(b)) {
      out.add(path + (a == null ? " (only in the Kubernetes file)"
          : b == null ? " (not in the Kubernetes file)" : ": " + a + " -> " + b));
    }
  }

  /** The {@code ${NAME}} references in a tree's text values, with whether they have a default. */
  static void references(JsonNode node, Map<String, Boolean> out) {
    if (node.isTextual()) {
      Matcher m = ENV_REF.matcher(node.asText());
      while (m.find()) {
        out.merge(m.group(1), m.group(2) != null, Boolean::logicalAnd);
      }
    }
    node.forEach(child -> references(child, out));
  }

  /** {@code kind/namespace/name}: what identifies an object in a cluster. */
  static String id(JsonNode o) {
    return o.path("kind").asText() + "/" + o.path("metadata").path("namespace").asText() + "/" + Kustomize.name(o);
  }

  /** kustomize's generated names carry a hash of the content ({@code bff-web-config-hkmc87h45d}); ours do not. */
  static JsonNode withoutHashSuffixes(JsonNode node) {
    if (node instanceof ObjectNode obj) {
      obj.fields().forEachRemaining(e -> {
        if (e.getValue().isTextual() && e.getValue().asText().matches(".+-config-[a-z0-9]{10}")) {
          e.setValue(obj.textNode(e.getValue().asText().replaceFirst("-[a-z0-9]{10}$", "")));
        } else {
          withoutHashSuffixes(e.getValue());
        }
      });
    } else {
      node.forEach(YamlTrees::withoutHashSuffixes);
    }
    return node;
  }
}
