package dev.bff.common.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A route answered by one unary gRPC call (a route's {@code grpc} block) instead of a proxied
 * request: the request message is built from the JSON body, the query and the path parameters,
 * and the response message is answered as JSON.
 *
 * @param method  {@code package.Service/Method}, described by {@code grpc.descriptor-sets}
 * @param request request fields set from templates: {@code "{id}"} (a path parameter),
 *                {@code "{query.name}"} or {@code "{query.name:default}"}, literal text around them;
 *                without it, fields take the path parameters and query parameters of their names
 */
public record GrpcRouteConfig(String method, Map<String, String> request) {
  static GrpcRouteConfig read(ConfigNode n) {
    if (!n.present()) {
      return null;
    }
    n.allowOnly(Set.of("method", "request"));
    String method = n.requiredString("method");
    if (method != null && !method.matches("[A-Za-z_][\\w.]*[./][A-Za-z_]\\w*")) {
      n.problem("method", "must be package.Service/Method, was '" + method + "'");
    }
    Map<String, String> request = new LinkedHashMap<>();
    n.entries("request").forEach((field, v) -> {
      String t = v.text();
      if (t != null) {
        request.put(field, t);
      }
    });
    return new GrpcRouteConfig(method, Map.copyOf(request));
  }
}
