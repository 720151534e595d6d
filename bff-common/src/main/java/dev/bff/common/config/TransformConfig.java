package dev.bff.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Edits of the JSON bodies of a proxied route ({@code transform}): the request body on its way to
 * the upstream, and the body of a 2xx answer on its way back, each a list of edits run in order.
 * Paths are dotted field names ({@code unitPrice.amount}); a path that leads through an array
 * applies to each of its elements.
 *
 * <pre>{@code
 * transform:
 *   request:  [ { rename: { items: lines } }, { add: { apiVersion: 2 } } ]
 *   response: [ { move: { unitPrice.amount: price, unitPrice.currency: currency } }, { remove: [unitPrice] } ]
 * }</pre>
 *
 * @param request  edits of JSON request bodies, in order (empty: request bodies stream through)
 * @param response edits of JSON 2xx response bodies, in order (empty: answers stream through)
 */
public record TransformConfig(List<Edit> request, List<Edit> response) {
  /** What an edit does. */
  public enum Kind {
    /** Renames a field where it is, keeping its place among its siblings. */
    RENAME,
    /** Takes a value from one path and puts it at another (replacing what was there). */
    MOVE,
    /** Puts a copy of a value at another path (replacing what was there). */
    COPY,
    /** Removes a field. */
    REMOVE,
    /** Sets a field to a literal JSON value (replacing what was there), creating objects on the way. */
    ADD
  }

  /**
   * One edit.
   *
   * @param kind   what it does
   * @param path   the dotted path of the field it reads (or, for {@code add}, sets)
   * @param target the new name ({@code rename}, a plain name) or the path written ({@code move},
   *               {@code copy}); null otherwise
   * @param value  the literal value of an {@code add} (a JsonObject, JsonArray, string, number, boolean,
   *               or null for JSON null); null otherwise
   */
  public record Edit(Kind kind, String path, String target, Object value) {
    @Override
    public String toString() {
      String k = kind.name().toLowerCase(Locale.ROOT);
      return switch (kind) {
        case REMOVE -> k + " " + path;
        case ADD -> k + " " + path + "=" + (value instanceof String s ? '"' + s + '"' : value);
        default -> k + " " + path + "->" + target;
      };
    }
  }

  private static final Map<String, Kind> KINDS = Map.of("rename", Kind.RENAME, "move", Kind.MOVE, "copy", Kind.COPY,
      "remove", Kind.REMOVE, "add", Kind.ADD);

  /** Whether request bodies are edited. */
  public boolean editsRequests() {
    return !request.isEmpty();
  }

  /** Whether answers are edited. */
  public boolean editsResponses() {
    return !response.isEmpty();
  }

  /** Reads the {@code transform} block of a route; null when absent. */
  static TransformConfig read(ConfigNode route) {
    ConfigNode n = route.child("transform");
    if (!n.present()) {
      return null;
    }
    for (String k : List.of("static", "redirect", "grpc")) {
      if (route.child(k).present()) {
        n.problem(null, "applies to proxied routes only: a " + k + " route has no upstream bodies to edit");
      }
    }
    n.allowOnly(Set.of("request", "response"));
    TransformConfig t = new TransformConfig(edits(n, "request"), edits(n, "response"));
    boolean onlyKnownKeys = n.isObject() && Set.of("request", "response").containsAll(n.entries(null).keySet());
    if (onlyKnownKeys && noEdits(n.child("request")) && noEdits(n.child("response"))) {
      n.problem(null, "needs request or response edits (or remove the block)");
    }
    return t;
  }

  private static boolean noEdits(ConfigNode list) {
    return !list.present() || list.isList() && list.list(null).isEmpty();
  }

  private static List<Edit> edits(ConfigNode n, String key) {
    List<Edit> out = new ArrayList<>();
    ConfigNode list = n.child(key);
    if (list.present() && !list.isList()) {
      list.problem(null, "must be a list of edits, e.g. [ { rename: { price: cost } }, { remove: [internalCode] } ]");
      return List.of();
    }
    for (ConfigNode item : n.list(key)) {
      if (!item.isObject()) {
        item.problem(null, "must be one edit: { rename | move | copy | remove | add: ... }");
        continue;
      }
      item.allowOnly(KINDS.keySet());
      List<String> named = KINDS.keySet().stream().filter(k -> item.child(k).present()).sorted().toList();
      if (named.size() > 1) {
        item.problem(null, "holds " + String.join(" and ", named) + ": one edit per list item, listed in the "
            + "order they run");
        continue;
      }
      if (named.isEmpty()) {
        if (item.entries(null).keySet().stream().allMatch(KINDS::containsKey)) {
          item.problem(null, "must be one edit: { rename | move | copy | remove | add: ... }");
        }
        continue;
      }
      read(item.child(named.get(0)), KINDS.get(named.get(0)), out);
    }
    return List.copyOf(out);
  }

  private static void read(ConfigNode op, Kind kind, List<Edit> out) {
    if (kind == Kind.REMOVE) {
      List<ConfigNode> paths = op.list(null);
      if (op.isObject()) {
        return; // list(null) named it
      }
      for (ConfigNode p : paths) {
        String path = p.text();
        if (path != null && checkPath(p, null, path)) {
          out.add(new Edit(kind, path, null, null));
        }
      }
      if (paths.isEmpty()) {
        op.problem(null, "must list at least one path");
      }
      return;
    }
    if (!op.isObject()) {
      op.problem(null, "must be a mapping of " + (kind == Kind.ADD ? "path: value" : kind == Kind.RENAME
          ? "path: new-name" : "from.path: to.path") + ", e.g. " + example(kind));
      return;
    }
    Map<String, ConfigNode> entries = op.entries(null);
    if (entries.isEmpty()) {
      op.problem(null, "must name at least one field, e.g. " + example(kind));
    }
    entries.forEach((path, v) -> {
      if (!checkPath(op, path, path)) {
        return;
      }
      if (kind == Kind.ADD) {
        out.add(new Edit(kind, path, null, v.jsonValue()));
        return;
      }
      String target = v.text();
      if (target == null) {
        op.problem(path, "must name " + (kind == Kind.RENAME ? "the new name" : "the path it goes to"));
      } else if (kind == Kind.RENAME && target.contains(".")) {
        op.problem(path, "rename changes a field's name where it is ('" + target + "' is a path): use move to put "
            + "it elsewhere");
      } else if (checkPath(v, null, target)) {
        String full = kind == Kind.RENAME ? parent(path) + target : target;
        if (full.equals(path)) {
          op.problem(path, (kind == Kind.RENAME ? "renames" : kind == Kind.MOVE ? "moves" : "copies")
              + " the field onto itself");
        } else {
          out.add(new Edit(kind, path, target, null));
        }
      }
    });
  }

  /** Checks a dotted path; records a problem at {@code key} below {@code n} (or at {@code n}) and returns false. */
  private static boolean checkPath(ConfigNode n, String key, String path) {
    String bad = null;
    if (path.isBlank()) {
      bad = "is not a field path (empty)";
    } else if (path.startsWith("/") || path.startsWith("$")) {
      bad = "'" + path + "' is not a dotted field path: write it like unitPrice.amount";
    } else {
      for (String s : path.split("\\.", -1)) {
        if (s.isEmpty()) {
          bad = "'" + path + "' has an empty segment: write a dotted field path like unitPrice.amount";
          break;
        }
        if (s.equals("*") || s.indexOf('[') >= 0 || s.indexOf(']') >= 0) {
          bad = "'" + path + "' marks an array: arrays need no marker, a path leading through an array applies to "
              + "each of its elements (items.price)";
          break;
        }
      }
    }
    if (bad != null) {
      n.problem(key, bad);
    }
    return bad == null;
  }

  private static String parent(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot + 1);
  }

  private static String example(Kind kind) {
    return switch (kind) {
      case RENAME -> "{ rename: { price: cost } }";
      case MOVE -> "{ move: { unitPrice.amount: price } }";
      case COPY -> "{ copy: { id: legacyId } }";
      case ADD -> "{ add: { apiVersion: 1 } }";
      case REMOVE -> "{ remove: [internalCode] }";
    };
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("transform");
    if (editsRequests()) {
      sb.append(" request").append(request);
    }
    if (editsResponses()) {
      sb.append(" response").append(response);
    }
    return sb.toString();
  }
}
