package dev.bff.common.aggregate;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** The finished parts of a composed request, for shaping the response. */
public final class Parts {
  private final Map<String, Outcome> outcomes;

  Parts(Map<String, Outcome> outcomes) {
    this.outcomes = outcomes;
  }

  /** Every part's outcome by name. */
  public Map<String, Outcome> outcomes() {
    return outcomes;
  }

  /** A part's value (its answer or fallback), or null when it has none. */
  public Object value(String part) {
    Outcome o = outcomes.get(part);
    return o == null ? null : o.value();
  }

  /** A part's value as a JSON object, or null. */
  public JsonObject json(String part) {
    return value(part) instanceof JsonObject j ? j : null;
  }

  /** A part's value as a JSON array, or null. */
  public JsonArray array(String part) {
    return value(part) instanceof JsonArray a ? a : null;
  }

  /** Whether a part has a value (answered or fell back to a value). */
  public boolean has(String part) {
    return value(part) != null;
  }
}
