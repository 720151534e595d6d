package dev.bff.common.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A route: requests matching path, methods, host and headers go to one upstream (or, by weight, to a
 * canary upstream), or are answered by the gateway itself from a directory of files ({@code static})
 * or with a redirect ({@code redirect}).
 *
 * @param id              a stable name for logs and metrics (defaults to {@code route-N})
 * @param path            an exact path, a path with {@code :param} segments, or a prefix ending in {@code /**}
 * @param methods         allowed methods; empty means any
 * @param host            required Host (without port), {@code *.example.com} for a suffix; null for any
 * @param headers         required request header values (exact match; {@code "*"} means present)
 * @param upstream        the upstream to forward to; null for a static or redirect route
 * @param stripPrefix     a literal path prefix removed before forwarding, or null
 * @param rewrite         a path template like {@code /v2/items/{id}/{**}} (or {@code /cart/{claim.sub}}) used
 *                        instead of the path, or null
 * @param preserveHost    send the client's Host upstream instead of the upstream's own authority
 * @param requestHeaders  changes to headers sent upstream
 * @param responseHeaders changes to headers sent back to the client
 * @param canary          weighted share of traffic sent to another upstream, or null
 * @param timeout         response timeout for this route, overriding the upstream's; null to inherit
 * @param auth            who may call it ({@code auth}; the BFF's default policy when absent)
 * @param ipFilter        IP allow/deny lists for this route (besides the server's)
 * @param bodyCheck       JSON body checks before the upstream is called, or null (the body streams)
 * @param rateLimit       the rate-limit policies applied ({@code rate-limit}; the defaults when absent, none
 *                        for {@code none})
 * @param cache           how its GET answers are cached, or null when they are not
 * @param staticContent   the directory it serves files from ({@code static}), or null
 * @param redirect        the redirect it answers with, or null
 * @param grpc            a unary gRPC call answering the route instead of a proxied request, or null
 * @param mirror          a share of requests copied to a shadow upstream, or null
 * @param transform       edits of JSON request and response bodies ({@code transform}), or null (bodies stream)
 * @param websocket       how WebSocket handshakes on the route are tunnelled to the upstream, or null when
 *                        they are not (an Upgrade is then proxied as a plain request, without it)
 */
public record RouteConfig(
    String id,
    String path,
    Set<String> methods,
    String host,
    Map<String, String> headers,
    String upstream,
    String stripPrefix,
    String rewrite,
    boolean preserveHost,
    HeaderOps requestHeaders,
    HeaderOps responseHeaders,
    Canary canary,
    Duration timeout,
    AuthConfig.AuthRule auth,
    AccessConfig.IpFilter ipFilter,
    BodyCheckConfig bodyCheck,
    List<String> rateLimit,
    RouteCacheConfig cache,
    StaticConfig staticContent,
    RedirectConfig redirect,
    GrpcRouteConfig grpc,
    MirrorConfig mirror,
    TransformConfig transform,
    WebSocketConfig websocket) {

  /** Sends {@code weight} percent of the route's requests to {@code upstream}. */
  public record Canary(String upstream, double weight) {}

  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE");
  /** What a static route answers. */
  private static final Set<String> STATIC_METHODS = Set.of("GET", "HEAD");
  /** Keys that only mean something when the route forwards to an upstream. */
  private static final List<String> PROXY_KEYS = List.of("upstream", "strip-prefix", "rewrite", "preserve-host",
      "request-headers", "canary", "timeout", "body-check", "cache", "websocket");

  /** Whether the route forwards to an upstream (neither {@code static} nor {@code redirect}). */
  public boolean proxied() {
    return staticContent == null && redirect == null;
  }

  static RouteConfig read(int index, ConfigNode n, AuthConfig.AuthRule defaultAuth, RateLimitConfig rateLimits) {
    n.allowOnly(Set.of("id", "path", "methods", "host", "headers", "upstream", "strip-prefix", "rewrite",
        "preserve-host", "request-headers", "response-headers", "canary", "timeout", "auth", "ip-filter",
        "body-check", "rate-limit", "cache", "static", "redirect", "grpc", "mirror", "transform", "websocket"));
    String path = n.requiredString("path");
    if (path != null) {
      String err = PathSyntax.check(path);
      if (err != null) {
        n.problem("path", err);
      }
    }
    Set<String> methods = new LinkedHashSet<>();
    for (ConfigNode m : n.list("methods")) {
      String t = m.text();
      if (t != null) {
        String up = t.trim().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(up)) {
          m.problem(null, "unknown HTTP method '" + t + "'");
        } else {
          methods.add(up);
        }
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    n.entries("headers").forEach((k, v) -> {
      if (!HeaderNames.isToken(k)) {
        n.problem("headers." + k, "is not a valid header name");
      } else if (v.text() != null) {
        headers.put(k, v.text());
      }
    });
    String strip = n.string("strip-prefix", null);
    String rewrite = n.string("rewrite", null);
    if (strip != null && rewrite != null) {
      n.problem("rewrite", "cannot be combined with strip-prefix");
    }
    if (strip != null && (!strip.startsWith("/") || strip.endsWith("/") || strip.length() < 2)) {
      n.problem("strip-prefix", "must start with '/' and not end with '/', e.g. /api");
    } else if (strip != null && (strip.contains(":") || strip.contains("*"))) {
      n.problem("strip-prefix", "must be literal segments (use rewrite for parameters), was '" + strip + "'");
    } else if (strip != null && path != null && !path.equals(strip) && !path.startsWith(strip + "/")) {
      n.problem("strip-prefix", "'" + strip + "' is not a prefix of the route path '" + path + "'");
    }
    if (rewrite != null) {
      String err = PathSyntax.checkTemplate(rewrite, path);
      if (err != null) {
        n.problem("rewrite", err);
      }
    }
    Canary canary = null;
    ConfigNode c = n.child("canary");
    if (c.present()) {
      c.allowOnly(Set.of("upstream", "weight"));
      canary = new Canary(c.requiredString("upstream"), c.number("weight", 0, 0, 100));
    }
    String host = n.string("host", null);
    AuthConfig.AuthRule auth = AuthConfig.readRule(n.child("auth"), defaultAuth);
    if (rewrite != null && rewrite.contains("{claim.") && auth.isPublic()) {
      n.problem("rewrite", "uses a {claim.*} placeholder but the route is public");
    }
    StaticConfig files = StaticConfig.read(n.child("static"));
    RedirectConfig redirect = RedirectConfig.read(n.child("redirect"), path);
    String upstream;
    if (n.child("static").present() || n.child("redirect").present()) {
      upstream = null;
      answeredByGateway(n, path, methods);
    } else {
      upstream = n.child("upstream").present() ? n.requiredString("upstream") : null;
      if (!n.child("upstream").present()) {
        n.problem("upstream", "is required (or static, to serve files, or redirect)");
      }
    }
    return new RouteConfig(n.string("id", "route-" + index), path, Set.copyOf(methods),
        host == null ? null : host.toLowerCase(Locale.ROOT), Map.copyOf(headers), upstream,
        strip, rewrite, n.bool("preserve-host", false), HeaderOps.read(n.child("request-headers")),
        HeaderOps.read(n.child("response-headers")), canary, n.duration("timeout", null), auth,
        AccessConfig.IpFilter.read(n.child("ip-filter")), BodyCheckConfig.read(n.child("body-check")),
        rateLimits.rule(n.child("rate-limit")), cache(n, methods, rewrite), files, redirect, grpc(n),
        mirror(n), TransformConfig.read(n), WebSocketConfig.read(n));
  }

  private static MirrorConfig mirror(ConfigNode n) {
    MirrorConfig m = MirrorConfig.read(n.child("mirror"));
    if (m != null && (n.child("static").present() || n.child("redirect").present() || n.child("grpc").present())) {
      n.problem("mirror", "applies to proxied routes only");
    }
    return m;
  }

  private static GrpcRouteConfig grpc(ConfigNode n) {
    GrpcRouteConfig g = GrpcRouteConfig.read(n.child("grpc"));
    if (g != null) {
      if (n.child("static").present() || n.child("redirect").present()) {
        n.problem("grpc", "cannot be combined with static or redirect: the route answers with a gRPC call");
      }
      for (String k : List.of("strip-prefix", "rewrite", "preserve-host", "canary", "cache", "request-headers",
          "response-headers")) {
        if (n.child(k).present()) {
          n.problem(k, "does not apply to a grpc route (it answers with a gRPC call, not a proxied request)");
        }
      }
    }
    return g;
  }

  /**
   * Checks a static or redirect route: not both, none of the keys of a proxied route, and for a static
   * one a path without parameters and only GET and HEAD (which it gets when {@code methods} is absent).
   */
  private static void answeredByGateway(ConfigNode n, String path, Set<String> methods) {
    boolean isStatic = n.child("static").present();
    String kind = isStatic ? "static" : "redirect";
    if (isStatic && n.child("redirect").present()) {
      n.problem("redirect", "cannot be combined with static: a route either serves files or redirects");
    }
    String what = isStatic ? "serves files itself" : "answers with a redirect itself";
    for (String k : PROXY_KEYS) {
      if (!n.child(k).present()) {
        continue;
      }
      if (k.equals("upstream")) {
        n.problem(k, "cannot be combined with " + kind + ": the route " + what);
      } else if (k.equals("cache") && isStatic) {
        n.problem(k, "applies to proxied routes only: a static route sends Cache-Control (static.max-age), "
            + "ETag and Last-Modified itself");
      } else {
        n.problem(k, "applies to proxied routes only: a " + kind + " route " + what);
      }
    }
    if (!isStatic) {
      return;
    }
    if (path != null && path.contains("/:")) {
      n.problem("path", "a static route's path takes no :parameters: it is exact (serving the directory's index) "
          + "or ends with /** (naming a file below the directory)");
    }
    if (methods.isEmpty()) {
      methods.addAll(List.of("GET", "HEAD"));
    } else if (!STATIC_METHODS.containsAll(methods)) {
      n.problem("methods", "a static route answers GET and HEAD only, was " + methods);
    }
  }


  private static RouteCacheConfig cache(ConfigNode n, Set<String> methods, String rewrite) {
    RouteCacheConfig c = RouteCacheConfig.read(n.child("cache"));
    if (c != null && !methods.isEmpty() && !methods.contains("GET")) {
      n.problem("cache", "caches GET answers but the route allows only " + methods);
    }
    if (c != null && !c.perUser() && rewrite != null && rewrite.contains("{claim.")) {
      // one client path reaches a different upstream resource per caller: keyed by path alone, one caller's answer
      // would be served to another
      n.problem("cache", "needs per-user: true, since the rewrite uses a {claim.*} placeholder");
    }
    return c;
  }
}
