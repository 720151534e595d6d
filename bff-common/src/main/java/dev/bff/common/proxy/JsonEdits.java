package dev.bff.common.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bff.common.config.TransformConfig.Edit;
import dev.bff.common.config.TransformConfig.Kind;
import io.vertx.core.json.Json;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A list of {@code transform} edits compiled once (paths split, literals parsed) and run in order on
 * a Jackson tree, which they change in place. A path leading through an array applies to each
 * element (an array of arrays to each element of each); a field that is not there is skipped, never
 * an error. For {@code move} and {@code copy}, the segments both paths start with are walked like
 * any path, arrays included; below them the value is read and written through objects only, so
 * {@code items.unitPrice.amount -> items.price} works on each item. A field that a move adds there
 * takes the place of the field its value came out of ({@code unitPrice.amount -> price} puts
 * {@code price} where {@code unitPrice} is), so v1 and v2 shapes keep their field order; a rename
 * keeps the place too; {@code add} and {@code copy} append.
 */
final class JsonEdits {
  /**
   * Reads and writes JSON keeping numbers as written ({@code 19.90} stays {@code 19.90}, big integers
   * stay whole) and refusing anything after the value.
   */
  static final JsonMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

  private final Step[] steps;
  private final String description;

  private JsonEdits(Step[] steps, String description) {
    this.steps = steps;
    this.description = description;
  }

  /** Compiles {@code edits}. */
  static JsonEdits compile(List<Edit> edits) {
    Step[] steps = new Step[edits.size()];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = step(edits.get(i));
    }
    return new JsonEdits(steps, edits.toString());
  }

  /** Runs the edits on {@code root}, changing it in place. */
  void apply(JsonNode root) {
    for (Step s : steps) {
      s.apply(root);
    }
  }

  @Override
  public String toString() {
    return description;
  }

  /** One compiled edit. */
  @FunctionalInterface
  private interface Step {
    void apply(JsonNode root);
  }

  private static Step step(Edit e) {
    String[] path = e.path().split("\\.");
    String[] parent = Arrays.copyOf(path, path.length - 1);
    String name = path[path.length - 1];
    return switch (e.kind()) {
      case RENAME -> {
        String to = e.target();
        yield root -> each(root, parent, 0, false, o -> rename(o, name, to));
      }
      case REMOVE -> root -> each(root, parent, 0, false, o -> o.remove(name));
      case ADD -> {
        JsonNode value = literal(e.value());
        yield root -> each(root, parent, 0, true, o -> o.set(name, value.deepCopy()));
      }
      case MOVE, COPY -> relocate(path, e.target().split("\\."), e.kind() == Kind.COPY);
    };
  }

  /** A move or copy: the shared leading segments are walked through arrays, the rest through objects only. */
  private static Step relocate(String[] from, String[] to, boolean keep) {
    int shared = 0;
    while (shared < from.length - 1 && shared < to.length - 1 && from[shared].equals(to[shared])) {
      shared++;
    }
    String[] prefix = Arrays.copyOf(from, shared);
    String[] src = Arrays.copyOfRange(from, shared, from.length);
    String[] dst = Arrays.copyOfRange(to, shared, to.length);
    String srcName = src[src.length - 1];
    String dstName = dst[dst.length - 1];
    return root -> each(root, prefix, 0, false, ctx -> {
      ObjectNode srcParent = objectAt(ctx, src, false);
      JsonNode value = srcParent == null ? null : srcParent.get(srcName);
      if (value == null || !writable(ctx, dst, keep ? null : value)) {
        return;
      }
      // a field a move adds to the object it walks from takes the place of the field the value came out of
      boolean place = !keep && (!ctx.has(dst[0]) || src.length == 1 && src[0].equals(dst[0]));
      int at = place ? indexOf(ctx, src[0]) : -1;
      if (!keep) {
        srcParent.remove(srcName);
      }
      objectAt(ctx, dst, true).set(dstName, keep ? value.deepCopy() : value);
      if (at >= 0) {
        placeAt(ctx, dst[0], at);
      }
    });
  }

  private static int indexOf(ObjectNode o, String name) {
    int i = 0;
    for (var it = o.fieldNames(); it.hasNext(); i++) {
      if (it.next().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Moves field {@code name} of {@code o} to position {@code at}, the others keeping their order. */
  private static void placeAt(ObjectNode o, String name, int at) {
    JsonNode moving = o.get(name);
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, JsonNode> f : o.properties()) {
      if (i++ == at) {
        fields.put(name, moving);
      }
      fields.putIfAbsent(f.getKey(), f.getValue());
    }
    fields.putIfAbsent(name, moving);
    o.removeAll();
    o.setAll(fields);
  }

  /**
   * Whether objects lead (or can be created) to where {@code segs} ends: no array or value stands in
   * the way, other than {@code leaving} (the value being moved, which will be gone).
   */
  private static boolean writable(ObjectNode from, String[] segs, JsonNode leaving) {
    JsonNode n = from;
    for (int i = 0; i < segs.length - 1; i++) {
      JsonNode next = n.get(segs[i]);
      if (next == null || next.isNull() || next == leaving) {
        return true;
      }
      if (!(next instanceof ObjectNode)) {
        return false;
      }
      n = next;
    }
    return true;
  }

  /**
   * Calls {@code at} with each object that {@code segs[i..]} leads to from {@code node}, stepping into
   * every element of the arrays on the way; {@code create} adds missing (or null) intermediate objects.
   */
  private static void each(JsonNode node, String[] segs, int i, boolean create, Consumer<ObjectNode> at) {
    if (node instanceof ArrayNode a) {
      for (JsonNode e : a) {
        each(e, segs, i, create, at);
      }
    } else if (node instanceof ObjectNode o) {
      if (i == segs.length) {
        at.accept(o);
        return;
      }
      JsonNode next = o.get(segs[i]);
      if (next == null || next.isNull()) {
        if (!create) {
          return;
        }
        next = o.putObject(segs[i]);
      }
      each(next, segs, i + 1, create, at);
    }
  }

  /** The object holding the last segment of {@code segs}, through objects only; null when there is none. */
  private static ObjectNode objectAt(ObjectNode from, String[] segs, boolean create) {
    ObjectNode o = from;
    for (int i = 0; i < segs.length - 1; i++) {
      JsonNode next = o.get(segs[i]);
      if (next == null || next.isNull()) {
        if (!create) {
          return null;
        }
        next = o.putObject(segs[i]);
      }
      if (!(next instanceof ObjectNode n)) {
        return null;
      }
      o = n;
    }
    return o;
  }

  /** Renames a field in place: it keeps its position; a field already called {@code to} gives way. */
  private static void rename(ObjectNode o, String from, String to) {
    if (!o.has(from)) {
      return;
    }
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> f : o.properties()) {
      if (!f.getKey().equals(to)) {
        fields.put(f.getKey().equals(from) ? to : f.getKey(), f.getValue());
      }
    }
    o.removeAll();
    o.setAll(fields);
  }

  /** An {@code add}'s literal (as the YAML gave it) as a tree. */
  private static JsonNode literal(Object value) {
    try {
      return JSON.readTree(Json.encode(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON value: " + value, e);
    }
  }
}
