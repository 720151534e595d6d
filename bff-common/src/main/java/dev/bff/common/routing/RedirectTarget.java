package dev.bff.common.routing;

import dev.bff.common.config.HeaderOps;
import dev.bff.common.config.RedirectConfig;
import dev.bff.common.config.RouteConfig;
import dev.bff.common.proxy.HeaderEdits;
import dev.bff.common.shape.Paths;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A redirect route compiled once: answers every request with its status and a {@code Location}
 * built from the template, the route's parameters and the rest its {@code /**} matched, each value
 * decoded and percent-encoded again for where it stands (a path segment, a query value, the
 * fragment), so a value can add neither a segment, a query, a host nor a line break; the rest keeps
 * its slashes, with empty segments dropped (a relative location never starts with {@code //}).
 * The request's query string follows unless {@code keep-query: false}, characters a URL may not hold
 * percent-encoded. The body is empty; a request body is not read (an HTTP/1.x connection that still
 * carries one is closed after the answer).
 */
public final class RedirectTarget implements Target {
  private static final CharSequence ZERO = HttpHeaders.createOptimized("0");

  /** Where a piece of the template stands, which decides how a value is encoded there. */
  private enum Where { PATH, QUERY, FRAGMENT }

  /** Literal text ({@code name} null) or a placeholder. */
  private record Piece(String literal, String name, Where where) {}

  private final RedirectConfig config;
  private final HeaderOps responseHeaders;
  private final String origin;
  private final List<Piece> main;
  private final boolean mainHasQuery;
  private final List<Piece> fragment;

  /** Compiles a route's {@code redirect} (checked when the configuration was read). */
  public RedirectTarget(RouteConfig route) {
    this.config = route.redirect();
    this.responseHeaders = route.responseHeaders();
    String to = config.to();
    int originLength = RedirectConfig.originLength(to);
    this.origin = to.substring(0, originLength);
    String rest = to.substring(originLength);
    int hash = rest.indexOf('#');
    String before = hash < 0 ? rest : rest.substring(0, hash);
    this.mainHasQuery = before.indexOf('?') >= 0;
    this.main = pieces(before, Where.PATH);
    this.fragment = hash < 0 ? null : pieces(rest.substring(hash + 1), Where.FRAGMENT);
  }

  private static List<Piece> pieces(String text, Where start) {
    List<Piece> out = new ArrayList<>();
    Where where = start;
    int i = 0;
    while (i < text.length()) {
      int open = text.indexOf('{', i);
      int query = where == Where.PATH ? text.indexOf('?', i) : -1;
      if (query >= 0 && (open < 0 || query < open)) { // values after the '?' are query values
        out.add(new Piece(text.substring(i, query + 1), null, null));
        where = Where.QUERY;
        i = query + 1;
        continue;
      }
      if (open < 0) {
        out.add(new Piece(text.substring(i), null, null));
        break;
      }
      int close = text.indexOf('}', open);
      if (open > i) {
        out.add(new Piece(text.substring(i, open), null, null));
      }
      out.add(new Piece(null, text.substring(open + 1, close), where));
      i = close + 1;
    }
    return List.copyOf(out);
  }

  @Override
  public void serve(Exchange ex) {
    HttpServerRequest req = ex.request();
    HttpServerResponse resp = ex.response();
    String location = location(ex.match(), req.query());
    resp.setStatusCode(config.status());
    resp.headers().set(HttpHeaders.LOCATION, location).set(HttpHeaders.CONTENT_LENGTH, ZERO);
    HeaderEdits.apply(responseHeaders, resp.headers());
    ex.closeIfBodyUnread();
    resp.end();
  }

  /** The {@code Location} for a request that matched with {@code match} and sent {@code query} (raw, or null). */
  String location(PathMatch match, String query) {
    StringBuilder sb = new StringBuilder(origin.length() + 64).append(origin);
    expand(main, match, sb);
    if (config.keepQuery() && query != null && !query.isEmpty()) {
      sb.append(mainHasQuery ? '&' : '?').append(Paths.cleanQuery(query));
    }
    if (fragment != null) {
      sb.append('#');
      expand(fragment, match, sb);
    }
    if (origin.isEmpty()) {
      int slashes = 0;
      while (slashes < sb.length() && sb.charAt(slashes) == '/') {
        slashes++;
      }
      if (slashes > 1) { // "//host" would send the client to another host: never, whatever was matched
        sb.delete(0, slashes - 1);
      }
    }
    return sb.toString();
  }

  private static void expand(List<Piece> pieces, PathMatch match, StringBuilder sb) {
    for (Piece p : pieces) {
      if (p.name() == null) {
        sb.append(p.literal());
      } else if (p.name().equals("**")) {
        rest(match == null ? null : match.rest(), p.where(), sb);
      } else {
        String raw = match == null ? null : match.param(p.name());
        if (raw != null) {
          String v = decoded(raw);
          sb.append(p.where() == Where.QUERY ? Paths.query(v) : Paths.segment(v));
        }
      }
    }
  }

  /** What {@code /**} matched: segment by segment in a path or fragment, one value in a query. */
  private static void rest(String raw, Where where, StringBuilder sb) {
    if (raw == null || raw.isEmpty()) {
      return;
    }
    if (where == Where.QUERY) {
      sb.append(Paths.query(decoded(raw)));
      return;
    }
    boolean first = true;
    for (String s : raw.split("/")) {
      if (s.isEmpty()) {
        continue;
      }
      if (!first || sb.isEmpty() || sb.charAt(sb.length() - 1) != '/') {
        sb.append('/');
      }
      sb.append(Paths.segment(decoded(s)));
      first = false;
    }
    if (!first && raw.endsWith("/")) {
      sb.append('/');
    }
  }

  /** A raw value decoded; taken as it is when it is not valid percent-encoding (then its '%' is encoded). */
  private static String decoded(String raw) {
    String d = Paths.decode(raw);
    return d == null ? raw : d;
  }

  @Override
  public String describe() {
    return "redirect " + config.status() + " to " + config.to() + (config.keepQuery() ? " keep-query" : "")
        + (responseHeaders.isEmpty() ? "" : " response-headers{" + responseHeaders + "}");
  }
}
