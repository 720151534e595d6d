package dev.bff.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a BFF's YAML file into a {@link BffConfig}, substituting {@code ${ENV:default}} and
 * validating everything; all problems are reported together in one {@link ConfigException}.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()) // a repeated key is a mistake
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final EnvSubstitution env;
  private final int defaultPort;
  private final int defaultAdminPort;

  /**
   * Creates a loader.
   *
   * @param env              where {@code ${NAME}} references are looked up
   * @param defaultPort      gateway port when the file gives none
   * @param defaultAdminPort admin port when the file gives none
   */
  public ConfigLoader(EnvSubstitution env, int defaultPort, int defaultAdminPort) {
    this.env = env;
    this.defaultPort = defaultPort;
    this.defaultAdminPort = defaultAdminPort;
  }

  /** Reads and validates the file at {@code file}. */
  public BffConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of(new ConfigProblem("", "cannot be read: " + e.getMessage())));
    }
    return parse(text, file.toString());
  }

  /** Reads and validates a classpath resource (a BFF's built-in configuration). */
  public BffConfig loadResource(String name) {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new ConfigException("classpath:" + name, List.of(new ConfigProblem("", "no such resource")));
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + name);
    } catch (IOException e) {
      throw new ConfigException("classpath:" + name, List.of(new ConfigProblem("", "cannot be read: " + e.getMessage())));
    }
  }

  /** Validates YAML text; {@code source} names it in messages. */
  public BffConfig parse(String yaml, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new ConfigException(source, List.of(new ConfigProblem("", "is not valid YAML" + where + ": "
          + e.getOriginalMessage())));
    }
    List<ConfigProblem> problems = new ArrayList<>();
    ConfigNode top = new ConfigNode(root, "", problems, env);
    if (!top.isObject()) {
      throw new ConfigException(source, List.of(new ConfigProblem("", "must be a YAML mapping with server, upstreams and routes")));
    }
    top.allowOnly(Set.of("server", "upstreams", "routes", "endpoints", "auth", "redis", "rate-limits", "cache",
        "metrics", "tracing", "audit", "grpc"));
    RedisConfig redis = RedisConfig.read(top.child("redis"));
    RateLimitConfig rateLimits = RateLimitConfig.read(top.child("rate-limits"), redis);
    AuthConfig auth = AuthConfig.read(top.child("auth"));
    CacheConfig cache = CacheConfig.read(top.child("cache"), redis != null);
    if (auth.apiKeys() != null && auth.apiKeys().redis() != null && redis == null) {
      top.problem("auth.api-keys.redis", "needs the top-level redis block (url) to know which Redis");
    }
    ServerConfig server = ServerConfig.read(top.child("server"), defaultPort, defaultAdminPort);
    MetricsConfig metrics = MetricsConfig.read(top.child("metrics"));
    GrpcConfig grpc = GrpcConfig.read(top.child("grpc"));
    TracingConfig tracing = TracingConfig.read(top.child("tracing"));
    Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
    top.entries("upstreams").forEach((name, n) -> upstreams.put(name, UpstreamConfig.read(name, n)));
    List<RouteConfig> routes = new ArrayList<>();
    List<ConfigNode> routeNodes = top.list("routes");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < routeNodes.size(); i++) {
      ConfigNode rn = routeNodes.get(i);
      if (!rn.isObject()) {
        rn.problem(null, "must be a mapping with at least path and upstream (or static, or redirect)");
        continue;
      }
      RouteConfig r = RouteConfig.read(i, rn, auth.defaultPolicy(), rateLimits);
      String missing = auth.unconfigured(r.auth());
      if (missing != null) {
        rn.problem("auth", missing);
      }
      if (!ids.add(r.id())) {
        rn.problem("id", "duplicate route id '" + r.id() + "'");
      }
      if (r.upstream() != null && !upstreams.containsKey(r.upstream())) {
        rn.problem("upstream", "unknown upstream '" + r.upstream() + "' (known: " + upstreams.keySet() + ")");
      }
      if (r.canary() != null && r.canary().upstream() != null && !upstreams.containsKey(r.canary().upstream())) {
        rn.problem("canary.upstream", "unknown upstream '" + r.canary().upstream() + "'");
      }
      if (r.mirror() != null && r.mirror().upstream() != null && !upstreams.containsKey(r.mirror().upstream())) {
        rn.problem("mirror.upstream", "unknown upstream '" + r.mirror().upstream() + "' (known: " + upstreams.keySet()
            + ")");
      } else if (r.mirror() != null && r.mirror().upstream() != null && r.mirror().upstream().equals(r.upstream())) {
        rn.problem("mirror.upstream", "is the route's own upstream: a shadow is another deployment");
      }
      routes.add(r);
    }
    Map<String, EndpointConfig> endpoints = new LinkedHashMap<>();
    top.entries("endpoints").forEach((name, n) -> {
      EndpointConfig e = EndpointConfig.read(name, n, upstreams.keySet(), auth.defaultPolicy(), rateLimits);
      String missing = auth.unconfigured(e.auth());
      if (missing != null) {
        n.problem("auth", missing);
      }
      endpoints.put(name, e);
    });
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems);
    }
    return new BffConfig(source, server, java.util.Collections.unmodifiableMap(upstreams), List.copyOf(routes),
        java.util.Collections.unmodifiableMap(endpoints), auth, redis, rateLimits, cache, metrics, tracing,
        AuditConfig.read(top.child("audit")), grpc);
  }
}
