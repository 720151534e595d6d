package dev.bff.common.routing;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * All routes of a BFF sorted once by {@link Route#PRECEDENCE}; a request takes the first route
 * whose path, host, headers and method all match.
 */
public final class RouteTable {
  private final Route[] routes;

  /** Sorts the routes by precedence. */
  public RouteTable(List<Route> routes) {
    List<Route> sorted = new ArrayList<>(routes);
    sorted.sort(Route.PRECEDENCE);
    this.routes = sorted.toArray(new Route[0]);
  }

  /** The routes in the order they are tried. */
  public List<Route> routes() {
    return List.of(routes);
  }

  /**
   * Finds the route for a request and records the path match in the exchange.
   *
   * @return the route, or null; then {@link Exchange#allowedMethods()} is non-empty when the path
   *     matched some route but the method did not (405 rather than 404)
   */
  public Route resolve(HttpServerRequest req, String path, Exchange ex) {
    Set<HttpMethod> allowed = null;
    HttpMethod method = req.method();
    for (Route r : routes) {
      PathMatch m = r.path().match(path);
      if (m == null || !r.matchesHostAndHeaders(req)) {
        continue;
      }
      if (r.allows(method)) {
        ex.match(r, m);
        return r;
      }
      if (allowed == null) {
        allowed = new LinkedHashSet<>();
      }
      for (HttpMethod x : r.methods()) {
        allowed.add(x);
      }
    }
    if (allowed != null) {
      ex.allowedMethods(allowed);
    }
    return null;
  }
}
