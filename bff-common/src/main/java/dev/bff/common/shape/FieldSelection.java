package dev.bff.common.shape;

import dev.bff.common.routing.BffRequest;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.EndpointHandler;
import dev.bff.common.routing.Reply;
import dev.bff.common.routing.Stage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Lets a client select the top-level fields of a JSON answer, e.g. {@code ?fields=name,price}
 * (the app asks only for what a screen shows). {@code _meta} is always kept, so a degraded answer
 * still says so. Names the answer lacks are ignored (an omitted part is not the client's mistake);
 * a malformed list is a 400 before any upstream is called.
 */
public final class FieldSelection implements Stage {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final int MAX_FIELDS = 64;

  private final String param;

  /** Selection by the query parameter {@code param}. */
  public FieldSelection(String param) {
    this.param = param;
  }

  @Override
  public Future<Reply> apply(BffRequest request, EndpointHandler next) {
    String raw = request.query(param);
    if (raw == null) {
      return next.handle(request);
    }
    List<String> fields = new ArrayList<>();
    for (String f : raw.split(",", -1)) {
      String name = f.trim();
      if (!NAME.matcher(name).matches()) {
        return Future.succeededFuture(Reply.problem(Category.BAD_REQUEST, "'" + param
            + "' must be a comma-separated list of field names (letters, digits, '-', '_')"));
      }
      fields.add(name);
    }
    if (fields.size() > MAX_FIELDS) {
      return Future.succeededFuture(Reply.problem(Category.BAD_REQUEST, "'" + param + "' lists more than "
          + MAX_FIELDS + " fields"));
    }
    return next.handle(request).map(reply -> {
      JsonObject body = reply.status() == 200 ? reply.jsonObject() : null;
      if (body == null) {
        return reply;
      }
      JsonObject out = new JsonObject();
      for (String f : fields) {
        if (body.containsKey(f)) {
          out.put(f, body.getValue(f));
        }
      }
      if (body.containsKey("_meta")) {
        out.put("_meta", body.getValue("_meta"));
      }
      return reply.withJson(out);
    });
  }

  @Override
  public String toString() {
    return "fields(" + param + ")";
  }
}
