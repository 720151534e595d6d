package dev.bff.common.aggregate;

import dev.bff.common.shape.Transform;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The body of a composed response built from its parts by rules, without hand-written glue: put a
 * part's (reshaped) value under a key, merge a part's fields into the body, or compute a field
 * from the parts in Java. Rules run in order; a part without a value (omitted) is skipped, and so
 * is a rule whose value comes out null.
 *
 * <pre>{@code
 * Shape.of(
 *     Shape.merge("product", select("id", "name", "price", "currency")),
 *     Shape.put("reviews", "reviews", pick("/items"), limit(20), select("author", "rating", "text")),
 *     Shape.put("thumbnail", "product", pick("/images/thumbnail/url")),
 *     Shape.compute("inStock", p -> p.json("inventory") != null && p.json("inventory").getInteger("quantity", 0) > 0))
 * }</pre>
 */
public final class Shape implements Function<Parts, Object> {
  private final List<Rule> rules;

  private Shape(List<Rule> rules) {
    this.rules = rules;
  }

  /** One rule of a shape: adds to the body being built. */
  @FunctionalInterface
  public interface Rule {
    /** Adds this rule's field(s) to {@code body}. */
    void apply(Parts parts, JsonObject body);
  }

  /** A shape of these rules, applied in order. */
  public static Shape of(Rule... rules) {
    return new Shape(List.of(rules));
  }

  /** A shape of these rules, applied in order. */
  public static Shape of(List<Rule> rules) {
    return new Shape(new ArrayList<>(rules));
  }

  /** The value of {@code part}, reshaped by {@code steps}, under {@code key}. */
  public static Rule put(String key, String part, Transform... steps) {
    Transform t = Transform.chain(steps);
    return (parts, body) -> {
      Object v = parts.value(part);
      if (v != null) {
        putIfPresent(body, key, t.apply(v));
      }
    };
  }

  /** The fields of {@code part}'s object (reshaped by {@code steps}) merged into the body. */
  public static Rule merge(String part, Transform... steps) {
    Transform t = Transform.chain(steps);
    return (parts, body) -> {
      Object v = parts.value(part);
      Object shaped = v == null ? null : t.apply(v);
      if (shaped instanceof JsonObject o) {
        for (Map.Entry<String, Object> e : o) {
          body.put(e.getKey(), e.getValue());
        }
      }
    };
  }

  /** A field computed from the parts by a small Java function (null leaves the field out). */
  public static Rule compute(String key, Function<Parts, Object> f) {
    return (parts, body) -> putIfPresent(body, key, f.apply(parts));
  }

  private static void putIfPresent(JsonObject body, String key, Object value) {
    if (value != null) {
      body.put(key, value);
    }
  }

  @Override
  public Object apply(Parts parts) {
    JsonObject body = new JsonObject();
    for (Rule r : rules) {
      r.apply(parts, body);
    }
    return body;
  }
}
