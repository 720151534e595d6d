package dev.bff.common.aggregate;

import dev.bff.common.routing.BffRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** What a part's call can see: the client request and the values of the parts it needs. */
public final class PartContext {
  private final BffRequest request;
  private final Map<String, Outcome> outcomes;

  PartContext(BffRequest request, Map<String, Outcome> outcomes) {
    this.request = request;
    this.outcomes = outcomes;
  }

  /** The client request. */
  public BffRequest request() {
    return request;
  }

  /** A path parameter of the client request. */
  public String param(String name) {
    return request.param(name);
  }

  /** A query parameter of the client request. */
  public String query(String name) {
    return request.query(name);
  }

  /** The value of a finished part (null when it has none). */
  public Object value(String part) {
    Outcome o = outcomes.get(part);
    return o == null ? null : o.value();
  }

  /** The value of a finished part as a JSON object (null when it is not one). */
  public JsonObject json(String part) {
    return value(part) instanceof JsonObject j ? j : null;
  }
}
