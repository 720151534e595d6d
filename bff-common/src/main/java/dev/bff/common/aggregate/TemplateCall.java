package dev.bff.common.aggregate;

import dev.bff.common.config.ComposedConfig.ForEach;
import dev.bff.common.config.UriTemplate;
import dev.bff.common.config.UriTemplate.Placeholder;
import dev.bff.common.shape.Paths;
import dev.bff.common.upstream.UpstreamCalls;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The call of a part declared in YAML: a GET of its URI template filled from the client request
 * and the parts it needs, once, or once per element of a needed array ({@code for-each}).
 */
final class TemplateCall implements PartCall {
  private final UriTemplate uri;
  private final ForEach forEach;
  private final List<String> headers;

  TemplateCall(UriTemplate uri, ForEach forEach, List<String> headers) {
    this.uri = uri;
    this.forEach = forEach;
    this.headers = headers;
  }

  @Override
  public Future<?> call(UpstreamCalls upstream, PartContext c) {
    MultiMap h = null;
    for (String name : headers) {
      String v = c.request().header(name);
      if (v != null) {
        h = h == null ? HttpHeaders.headers() : h;
        h.set(name, v);
      }
    }
    if (forEach == null) {
      return upstream.getJsonValue(expand(c, null), h);
    }
    Object list = at(c.value(forEach.part()), forEach.fields());
    if (!(list instanceof JsonArray items)) {
      throw new MissingValue("part '" + forEach.part() + "' has no array at '"
          + String.join(".", forEach.fields()) + "' to fetch each element of");
    }
    List<String> uris = new ArrayList<>();
    for (int i = 0; i < items.size() && i < forEach.limit(); i++) {
      uris.add(expand(c, items.getValue(i)));
    }
    return upstream.getJsonEach(uris, h);
  }

  private String expand(PartContext c, Object item) {
    return expand(uri, c, item, false);
  }

  /**
   * {@code template} filled in from the client request and the parts; {@code raw}: values as they
   * are (a gRPC field), else encoded for where they stand in a URI.
   */
  static String expand(UriTemplate template, PartContext c, Object item, boolean raw) {
    StringBuilder sb = new StringBuilder(64);
    for (UriTemplate.Token t : template.tokens()) {
      if (t instanceof UriTemplate.Literal l) {
        sb.append(l.text());
        continue;
      }
      Placeholder p = (Placeholder) t;
      String v = switch (p.source()) {
        case PARAM -> c.param(p.name());
        case QUERY -> c.query(p.name());
        case HEADER -> c.request().header(p.name());
        case CLAIM -> scalar(at(c.request().principal() == null ? null
            : c.request().principal().claims().getValue(p.name()), p.fields()), p);
        case PART -> scalar(at(c.value(p.name()), p.fields()), p);
        case ITEM -> scalar(at(item, p.fields()), p);
      };
      if (v == null) {
        v = p.def() != null ? p.def() : "";
      }
      sb.append(raw ? v : p.inQuery() ? Paths.query(v) : Paths.segment(v));
    }
    return sb.toString();
  }

  private static String scalar(Object v, Placeholder p) {
    if (v == null || v instanceof JsonObject || v instanceof JsonArray) {
      String where = p.fields().isEmpty() ? p.name() : p.name() + "." + String.join(".", p.fields());
      throw new MissingValue("'{" + where + "}' has no " + (v == null ? "value" : "single value") + " to call with");
    }
    return String.valueOf(v);
  }

  /** The value at a field path (names, or indexes into arrays), or null. */
  static Object at(Object value, List<String> fields) {
    Object v = value;
    for (String f : fields) {
      if (v instanceof JsonObject o) {
        v = o.getValue(f);
      } else if (v instanceof JsonArray a && f.length() <= 9 && f.chars().allMatch(Character::isDigit)
          && Integer.parseInt(f) < a.size()) {
        v = a.getValue(Integer.parseInt(f));
      } else {
        return null;
      }
    }
    return v;
  }

  /** A value the call is built from is missing: the part fails (and falls back) without calling. */
  static final class MissingValue extends RuntimeException {
    MissingValue(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public String toString() {
    return "GET " + uri + (forEach == null ? "" : " for-each " + forEach.part() + "." + String.join(".",
        forEach.fields()) + " (at most " + forEach.limit() + ")");
  }
}
