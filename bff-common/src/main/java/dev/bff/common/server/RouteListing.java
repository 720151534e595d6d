package dev.bff.common.server;

import dev.bff.common.config.BffConfig;
import dev.bff.common.config.ComposedConfig;
import dev.bff.common.config.EndpointConfig;
import dev.bff.common.config.RateLimitPolicy;
import dev.bff.common.config.RouteConfig;
import dev.bff.common.routing.Endpoints;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code GET /admin/routes}: the effective routes and endpoints as the gateway compiled them, in
 * declaration order: path, methods, upstream (or the static directory, or the redirect), who may
 * call (the auth rule), the rate-limit policies with their limits, the cache settings and the body
 * check; endpoints add their deadline and, when declared in YAML, their parts. Built once: the
 * configuration does not change while the gateway runs.
 */
final class RouteListing {
  private RouteListing() {}

  /** The listing of {@code config}'s routes and {@code endpoints}' endpoints. */
  static JsonObject of(BffConfig config, Endpoints endpoints) {
    JsonArray routes = new JsonArray();
    for (RouteConfig r : config.routes()) {
      JsonObject o = new JsonObject().put("id", r.id()).put("kind", "route").put("path", r.path())
          .put("methods", methods(r.methods().isEmpty() ? List.of() : r.methods().stream().sorted().toList()))
          .put("host", r.host()).put("headers", ConfigJson.of(r.headers())).put("upstream", r.upstream());
      if (r.canary() != null) {
        o.put("canary", ConfigJson.of(r.canary()));
      }
      if (r.staticContent() != null) {
        o.put("static", ConfigJson.object(r.staticContent()));
      }
      if (r.redirect() != null) {
        o.put("redirect", ConfigJson.object(r.redirect()));
      }
      o.put("strip-prefix", r.stripPrefix()).put("rewrite", r.rewrite())
          .put("timeout", r.timeout() == null ? null : ConfigJson.duration(r.timeout()));
      policies(o, config, r.auth().toString(), r.rateLimit(), r.cache(), r.bodyCheck());
      if (!r.ipFilter().allow().isEmpty() || !r.ipFilter().deny().isEmpty()) {
        o.put("ip-filter", ConfigJson.of(r.ipFilter()));
      }
      routes.add(o);
    }
    JsonArray eps = new JsonArray();
    for (Endpoints.Spec s : endpoints.specs()) {
      EndpointConfig ec = config.endpoint(s.name());
      List<String> methods = s.method() == HttpMethod.GET ? List.of("GET", "HEAD") : List.of(s.method().name());
      JsonObject o = new JsonObject().put("id", s.name()).put("kind", ec.composed() != null ? "composed" : "code")
          .put("path", s.path()).put("methods", methods(methods))
          .put("deadline", ConfigJson.duration(ec.deadline())).put("etag", ec.etag())
          .put("fields-param", ec.fieldsParam());
      policies(o, config, ec.auth().toString(), ec.rateLimit(), ec.cache(), ec.bodyCheck());
      if (ec.composed() != null) {
        JsonArray parts = new JsonArray();
        for (ComposedConfig.PartConfig p : ec.composed().parts()) {
          parts.add(new JsonObject().put("name", p.name()).put("upstream", p.upstream())
              .put("path", p.uri() == null ? null : p.uri().toString()).put("required", p.required())
              .put("timeout", p.timeout() == null ? null : ConfigJson.duration(p.timeout()))
              .put("needs", new JsonArray(p.needs())).put("fallback", p.fallback() != null));
        }
        o.put("parts", parts);
      }
      eps.add(o);
    }
    return new JsonObject().put("routes", routes).put("endpoints", eps);
  }

  private static JsonArray methods(List<String> methods) {
    return methods.isEmpty() ? new JsonArray().add("*") : new JsonArray(methods);
  }

  private static void policies(JsonObject o, BffConfig config, String auth, List<String> rateLimit, Record cache,
      Record bodyCheck) {
    JsonArray limits = new JsonArray();
    for (String name : rateLimit) {
      RateLimitPolicy p = config.rateLimits().policies().get(name);
      limits.add(p == null ? new JsonObject().put("name", name) : ConfigJson.object(p));
    }
    o.put("auth", auth).put("rate-limit", limits)
        .put("cache", cache == null ? null : ConfigJson.object(cache))
        .put("body-check", bodyCheck == null ? null : ConfigJson.object(bodyCheck));
  }
}
