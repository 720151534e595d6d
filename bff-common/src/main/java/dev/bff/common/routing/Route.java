package dev.bff.common.routing;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;

/**
 * A compiled route: conditions on path, method, host and headers, and the {@link Target} it leads
 * to. Precedence (most specific first): exact paths, then paths with parameters, then prefixes;
 * within a kind, more segments, then more literal segments; then more host and header conditions;
 * then an exact host before a {@code *.} wildcard; then a route with a method list before one
 * without; then file order.
 */
public final class Route {
  /** Orders routes from most to least specific. */
  public static final Comparator<Route> PRECEDENCE = Comparator
      .comparing((Route r) -> r.path.kind())
      .thenComparing(r -> -r.path.segmentCount())
      .thenComparing(r -> -r.path.literalCount())
      .thenComparing(r -> -r.conditionCount())
      .thenComparing(r -> r.host != null && r.host.startsWith("*.") ? 1 : 0)
      .thenComparing(r -> r.methods.length == 0 ? 1 : 0)
      .thenComparing(r -> r.order);

  private final String id;
  private final PathPattern path;
  private final HttpMethod[] methods;
  private final String host;
  private final String[] headerNames;
  private final String[] headerValues;
  private final Target target;
  private final int order;

  /**
   * Creates a route.
   *
   * @param id      name for logs and metrics
   * @param path    path pattern
   * @param methods allowed methods; empty for any
   * @param host    required host ({@code *.suffix} allowed) or null
   * @param headers required header values ({@code *} = present)
   * @param target  what serves matched requests
   * @param order   declaration order, the last tie-breaker
   */
  public Route(String id, PathPattern path, Set<String> methods, String host, Map<String, String> headers,
      Target target, int order) {
    this.id = id;
    this.path = path;
    this.methods = methods.stream().map(HttpMethod::valueOf).toArray(HttpMethod[]::new);
    this.host = host;
    this.headerNames = headers.keySet().toArray(new String[0]);
    this.headerValues = headers.values().toArray(new String[0]);
    this.target = target;
    this.order = order;
  }

  /** The route's id. */
  public String id() {
    return id;
  }

  /** The route's path pattern. */
  public PathPattern path() {
    return path;
  }

  /** The route's target. */
  public Target target() {
    return target;
  }

  /** Host and header conditions; a method list ranks below them (see {@link #PRECEDENCE}). */
  int conditionCount() {
    return (host == null ? 0 : 1) + headerNames.length;
  }

  boolean allows(HttpMethod m) {
    if (methods.length == 0) {
      return true;
    }
    for (HttpMethod x : methods) {
      if (x.equals(m)) {
        return true;
      }
    }
    return false;
  }

  HttpMethod[] methods() {
    return methods;
  }

  boolean matchesHostAndHeaders(HttpServerRequest req) {
    if (host != null) {
      HostAndPort a = req.authority();
      String h = a == null ? null : a.host();
      if (h == null) {
        return false;
      }
      if (host.startsWith("*.")) {
        int n = host.length() - 1;
        if (h.length() <= n || !h.regionMatches(true, h.length() - n, host, 1, n)) {
          return false;
        }
      } else if (!h.equalsIgnoreCase(host)) {
        return false;
      }
    }
    for (int i = 0; i < headerNames.length; i++) {
      String v = req.getHeader(headerNames[i]);
      if (v == null || (!"*".equals(headerValues[i]) && !headerValues[i].equals(v))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(id).append(": ");
    sb.append(methods.length == 0 ? "*" : java.util.Arrays.toString(methods)).append(' ').append(path);
    if (host != null) {
      sb.append(" host=").append(host);
    }
    for (int i = 0; i < headerNames.length; i++) {
      sb.append(" header[").append(headerNames[i]).append("]=").append(headerValues[i]);
    }
    return sb.append(" -> ").append(target.describe()).toString();
  }
}
