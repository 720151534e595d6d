package dev.bff.common.config;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings of an endpoint. An endpoint written in Java is joined to its block by name; a block
 * with {@code path} and {@code parts} declares a composed endpoint in YAML.
 *
 * @param name        the endpoint's name
 * @param deadline    total time the endpoint may take before the gateway answers 504
 * @param etag        whether 200 answers carry a strong ETag and {@code If-None-Match} gets 304
 * @param fieldsParam the query parameter that selects top-level fields of the answer, or null
 * @param composed    the composition when the endpoint is declared in YAML, else null
 * @param partTimeouts timeouts of the parts of a composition written in Java, by part name
 *     (they override the code's; YAML endpoints give {@code parts.NAME.timeout} instead)
 * @param auth        who may call it ({@code auth}; the BFF's default policy when absent)
 * @param bodyCheck   JSON body checks before the endpoint runs, or null
 * @param rateLimit   the rate-limit policies applied ({@code rate-limit}; the defaults when absent)
 * @param cache       how its answers are cached (whole), or null when they are not
 */
public record EndpointConfig(String name, Duration deadline, boolean etag, String fieldsParam,
    ComposedConfig composed, java.util.Map<String, Duration> partTimeouts, AuthConfig.AuthRule auth,
    BodyCheckConfig bodyCheck, java.util.List<String> rateLimit, RouteCacheConfig cache) {
  private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
  private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9_.-]+");

  /** Settings used for an endpoint that has no YAML block. */
  public static EndpointConfig defaults(String name, AuthConfig.AuthRule auth, java.util.List<String> rateLimit) {
    return new EndpointConfig(name, DEFAULT_DEADLINE, false, null, null, java.util.Map.of(), auth, null, rateLimit,
        null);
  }

  static EndpointConfig read(String name, ConfigNode n, Set<String> upstreams, AuthConfig.AuthRule defaultAuth,
      RateLimitConfig rateLimits) {
    if (!n.isObject()) {
      n.problem(null, "must be a mapping (deadline, etag, fields-param, body-check, rate-limit, cache; path, method, "
          + "parts, shape for YAML endpoints)");
      return defaults(name, defaultAuth, rateLimits.defaults());
    }
    n.allowOnly(Set.of("deadline", "etag", "fields-param", "part-timeouts", "auth", "path", "method", "parts",
        "shape", "body-check", "rate-limit", "cache"));
    String fields = n.string("fields-param", null);
    if (fields != null && !PARAM.matcher(fields).matches()) {
      n.problem("fields-param", "must be a query parameter name, was '" + fields + "'");
    }
    boolean yaml = n.child("path").present() || n.child("parts").present() || n.child("shape").present()
        || n.child("method").present();
    java.util.Map<String, Duration> timeouts = new java.util.LinkedHashMap<>();
    ConfigNode t = n.child("part-timeouts");
    t.entries(null).forEach((part, v) -> {
      Duration d = t.duration(part, null);
      if (d != null) {
        timeouts.put(part, d);
      }
    });
    if (yaml && !timeouts.isEmpty()) {
      n.problem("part-timeouts", "is for endpoints written in Java; a YAML endpoint sets parts.NAME.timeout");
    }
    ComposedConfig composed = yaml ? ComposedConfig.read(n, upstreams) : null;
    AuthConfig.AuthRule auth = AuthConfig.readRule(n.child("auth"), defaultAuth);
    if (composed != null && auth.isPublic()) {
      for (ComposedConfig.PartConfig p : composed.parts()) {
        if (p.uri() != null && p.uri().tokens().stream().anyMatch(tok -> tok instanceof UriTemplate.Placeholder ph
            && ph.source() == UriTemplate.Source.CLAIM)) {
          n.problem("parts." + p.name() + ".path", "uses a {claim.*} placeholder but the endpoint is public");
        }
      }
    }
    return new EndpointConfig(name, n.duration("deadline", DEFAULT_DEADLINE), n.bool("etag", false), fields,
        composed, java.util.Collections.unmodifiableMap(timeouts), auth, BodyCheckConfig.read(n.child("body-check")),
        rateLimits.rule(n.child("rate-limit")), RouteCacheConfig.read(n.child("cache")));
  }
}
