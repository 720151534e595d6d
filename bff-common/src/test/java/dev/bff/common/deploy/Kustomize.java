package dev.bff.common.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of kustomize that {@code deploy/k8s} uses, so the manifests can be checked as
 * {@code kubectl apply -k} would create them without kubectl: {@code resources} (files and
 * directories), {@code components} and {@code patches} (strategic merge, selected by kind, name and
 * labels), {@code configMapGenerator} (files) and {@code namespace}. Any other kustomization key is
 * refused, so the checks never pass on something kustomize renders differently. Generated names
 * keep no content hash.
 */
final class Kustomize {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> KEYS = Set.of("apiVersion", "kind", "namespace", "resources", "components",
      "configMapGenerator", "patches");
  /** The strategic-merge keys of the lists the patches here touch (elsewhere a list is replaced). */
  private static final Map<String, String> MERGE_KEYS = Map.of("containers", "name", "initContainers", "name",
      "volumes", "name", "env", "name", "volumeMounts", "mountPath", "ports", "containerPort");

  private Kustomize() {
  }

  /** The objects the kustomization in {@code dir} renders. */
  static List<ObjectNode> build(Path dir) {
    JsonNode k = readAll(dir.resolve("kustomization.yaml")).get(0);
    Set<String> unknown = new HashSet<>();
    k.fieldNames().forEachRemaining(unknown::add);
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalStateException(dir + "/kustomization.yaml: " + unknown
          + " not supported by this test's renderer");
    }
    List<ObjectNode> out = resources(dir, k);
    for (JsonNode c : k.path("components")) {
      Path p = dir.resolve(c.asText()).normalize();
      JsonNode component = readAll(p.resolve("kustomization.yaml")).get(0);
      out.addAll(resources(p, component));
      patch(p, component, out);
    }
    patch(dir, k, out);
    if (k.has("namespace")) {
      out.stream().filter(o -> !o.path("kind").asText().equals("Namespace"))
          .forEach(o -> ((ObjectNode) o.get("metadata")).put("namespace", k.get("namespace").asText()));
    }
    return out;
  }

  private static List<ObjectNode> resources(Path dir, JsonNode k) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode r : k.path("resources")) {
      Path p = dir.resolve(r.asText()).normalize();
      out.addAll(Files.isDirectory(p) ? build(p) : readAll(p));
    }
    for (JsonNode g : k.path("configMapGenerator")) {
      out.add(configMap(dir, g));
    }
    return out;
  }

  /** The documents of a (multi-document) YAML file, as objects. */
  static List<ObjectNode> readAll(Path file) {
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      List<ObjectNode> docs = new ArrayList<>();
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject()) {
          docs.add((ObjectNode) doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(file.toString(), e);
    }
  }

  private static ObjectNode configMap(Path dir, JsonNode g) {
    ObjectNode cm = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
    ObjectNode meta = cm.putObject("metadata").put("name", g.get("name").asText());
    if (g.path("options").has("labels")) {
      meta.set("labels", g.get("options").get("labels").deepCopy());
    }
    ObjectNode data = cm.putObject("data");
    for (JsonNode f : g.path("files")) {
      String spec = f.asText();
      int eq = spec.indexOf('=');
      String key = eq < 0 ? Path.of(spec).getFileName().toString() : spec.substring(0, eq);
      try {
        data.put(key, Files.readString(dir.resolve(eq < 0 ? spec : spec.substring(eq + 1))));
      } catch (IOException e) {
        throw new UncheckedIOException(spec, e);
      }
    }
    return cm;
  }

  private static void patch(Path dir, JsonNode k, List<ObjectNode> objects) {
    for (JsonNode p : k.path("patches")) {
      JsonNode target = p.path("target");
      ObjectNode patch = readAll(dir.resolve(p.get("path").asText())).get(0);
      int applied = 0;
      for (ObjectNode o : objects) {
        if (selects(target.isMissingNode() ? patch : target, o)) {
          ObjectNode body = patch.deepCopy();
          body.remove(List.of("apiVersion", "kind", "metadata"));
          merge(o, body);
          applied++;
        }
      }
      if (applied == 0) {
        throw new IllegalStateException(dir + ": patch " + p.get("path").asText() + " selects nothing");
      }
    }
  }

  private static boolean selects(JsonNode target, ObjectNode o) {
    String kind = target.path("kind").asText(null);
    String name = target.has("metadata") ? target.path("metadata").path("name").asText(null)
        : target.path("name").asText(null);
    if (kind != null && !kind.equals(o.path("kind").asText()) || name != null && !name.equals(name(o))) {
      return false;
    }
    String selector = target.path("labelSelector").asText("");
    for (String term : selector.isEmpty() ? new String[0] : selector.split(",")) {
      String[] kv = term.split("=", 2);
      if (!o.path("metadata").path("labels").path(kv[0].trim()).asText("\0").equals(kv[1].trim())) {
        return false;
      }
    }
    return true;
  }

  /** Strategic merge: objects field by field, lists with a merge key item by item, other lists replaced. */
  static void merge(ObjectNode target, JsonNode patch) {
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode current = target.get(f.getKey());
      String key = MERGE_KEYS.get(f.getKey());
      if (current instanceof ObjectNode obj && f.getValue().isObject()) {
        merge(obj, f.getValue());
      } else if (current instanceof ArrayNode list && f.getValue().isArray() && key != null) {
        ArrayNode merged = YAML.createArrayNode();
        for (JsonNode item : f.getValue()) {   // kustomize puts the patch's new items first
          if (find(list, key, item.path(key)) == null) {
            merged.add(item.deepCopy());
          }
        }
        for (JsonNode item : list) {
          JsonNode change = find((ArrayNode) f.getValue(), key, item.path(key));
          if (change != null) {
            merge((ObjectNode) item, change);
          }
          merged.add(item);
        }
        target.set(f.getKey(), merged);
      } else {
        target.set(f.getKey(), f.getValue().deepCopy());
      }
    }
  }

  private static JsonNode find(ArrayNode list, String key, JsonNode value) {
    for (JsonNode item : list) {
      if (item.path(key).equals(value)) {
        return item;
      }
    }
    return null;
  }

  /** {@code metadata.name}. */
  static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }
}
