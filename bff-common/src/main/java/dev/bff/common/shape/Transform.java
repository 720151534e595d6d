package dev.bff.common.shape;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A step that reshapes a JSON value ({@link JsonObject}, {@link JsonArray} or a scalar) into a new
 * one, never changing its input: pick a nested value, build an object of picked values, select or
 * drop fields, rename fields, limit an array, or apply steps to each element of an array. {@code null} in gives {@code null} out.
 * Field steps given an array apply to each object in it.
 *
 * <pre>{@code
 * Transform reviews = Transform.chain(pick("/items"), limit(20), select("author", "rating", "text"));
 * }</pre>
 */
@FunctionalInterface
public interface Transform {
  /** Reshapes {@code value}; returns a new value (or a value of the input that is not changed later). */
  Object apply(Object value);

  /** This step, then {@code next}. */
  default Transform then(Transform next) {
    return v -> next.apply(apply(v));
  }

  /** The steps in order; no steps leave the value as it is. */
  static Transform chain(Transform... steps) {
    Transform t = v -> v;
    for (Transform s : steps) {
      t = t.then(s);
    }
    return t;
  }

  /**
   * The value at a JSON pointer (RFC 6901, e.g. {@code /images/thumbnail/url}), or null when there
   * is none.
   *
   * @throws IllegalArgumentException when the pointer is malformed
   */
  static Transform pick(String pointer) {
    JsonPointer p;
    try {
      p = JsonPointer.from(pointer);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + pointer + "' is not a JSON pointer (like /images/0/url)", e);
    }
    return v -> v == null ? null : p.queryJson(v);
  }

  /**
   * Builds a new object whose fields are values picked from the input by JSON pointer, e.g.
   * {@code {id: /id, thumbnail: /images/thumbnail/url}}; fields whose pointer finds nothing are left out.
   *
   * @throws IllegalArgumentException when a pointer is malformed
   */
  static Transform object(Map<String, String> fieldPointers) {
    Map<String, Transform> picks = new LinkedHashMap<>();
    fieldPointers.forEach((k, ptr) -> picks.put(k, pick(ptr)));
    return fieldStep(o -> {
      JsonObject out = new JsonObject(new LinkedHashMap<>(picks.size() * 2));
      picks.forEach((k, t) -> {
        Object v = t.apply(o);
        if (v != null) {
          out.put(k, v);
        }
      });
      return out;
    });
  }

  /** Keeps only the named fields of an object, in the order given (an allow list). */
  static Transform select(String... fields) {
    List<String> keep = List.of(fields);
    return fieldStep(o -> {
      JsonObject out = new JsonObject(new LinkedHashMap<>(keep.size() * 2));
      for (String f : keep) {
        if (o.containsKey(f)) {
          out.put(f, o.getValue(f));
        }
      }
      return out;
    });
  }

  /** Removes the named fields of an object (a deny list). */
  static Transform drop(String... fields) {
    Set<String> gone = Set.of(fields);
    return fieldStep(o -> {
      JsonObject out = new JsonObject(new LinkedHashMap<>(o.size() * 2));
      for (Map.Entry<String, Object> e : o) {
        if (!gone.contains(e.getKey())) {
          out.put(e.getKey(), e.getValue());
        }
      }
      return out;
    });
  }

  /** Renames fields of an object ({@code old -> new}), keeping their place. */
  static Transform rename(Map<String, String> names) {
    Map<String, String> copy = Map.copyOf(names);
    return fieldStep(o -> {
      JsonObject out = new JsonObject(new LinkedHashMap<>(o.size() * 2));
      for (Map.Entry<String, Object> e : o) {
        out.put(copy.getOrDefault(e.getKey(), e.getKey()), e.getValue());
      }
      return out;
    });
  }

  /** Renames one field. */
  static Transform rename(String from, String to) {
    return rename(Map.of(from, to));
  }

  /** The first {@code n} elements of an array. */
  static Transform limit(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + n);
    }
    return v -> {
      if (v instanceof JsonArray a && a.size() > n) {
        return new JsonArray(new java.util.ArrayList<>(a.getList().subList(0, n)));
      }
      return v;
    };
  }

  /** Applies {@code steps} to each element of an array (elements that become null are left out). */
  static Transform each(Transform... steps) {
    Transform t = chain(steps);
    return v -> {
      if (!(v instanceof JsonArray a)) {
        return v;
      }
      JsonArray out = new JsonArray();
      for (Object e : a) {
        Object r = t.apply(wrap(e));
        if (r != null) {
          out.add(r);
        }
      }
      return out;
    };
  }

  private static Transform fieldStep(java.util.function.Function<JsonObject, JsonObject> f) {
    return v -> {
      if (v instanceof JsonObject o) {
        return f.apply(o);
      }
      if (v instanceof JsonArray a) {
        JsonArray out = new JsonArray();
        for (Object e : a) {
          Object w = wrap(e);
          out.add(w instanceof JsonObject o ? f.apply(o) : w);
        }
        return out;
      }
      return v;
    };
  }

  /** Elements of a parsed array may be plain maps and lists; steps see them as JSON types. */
  private static Object wrap(Object e) {
    if (e instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      return new JsonObject(map);
    }
    if (e instanceof List<?> l) {
      return new JsonArray(l);
    }
    return e;
  }
}
