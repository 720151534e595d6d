package dev.bff.common.config;

import java.util.List;
import java.util.Map;

/**
 * The whole, validated configuration of one BFF.
 *
 * @param source    where it was read from (a file path or a classpath resource)
 * @param server    listeners and their limits
 * @param upstreams named upstream services, in file order
 * @param routes    pass-through routes, in file order
 * @param endpoints settings of endpoints, by name
 * @param auth      client authentication (JWT issuers, API keys, client certificates, default policy)
 * @param redis     the Redis replicas share, or null (everything stays in memory)
 * @param rateLimits rate-limit policies and their store ({@link RateLimitConfig#NONE} without the block)
 * @param cache     the response cache's store (routes and endpoints opt in with their own {@code cache})
 * @param metrics   Prometheus metrics ({@link MetricsConfig#DEFAULT} without the block)
 * @param tracing   trace propagation and export ({@link TracingConfig#DEFAULT} without the block)
 * @param audit     the audit log's routes and masks ({@link AuditConfig#NONE} without the block)
 * @param grpc      the gRPC services' descriptor sets ({@link GrpcConfig#NONE} without the block)
 */
public record BffConfig(
    String source,
    ServerConfig server,
    Map<String, UpstreamConfig> upstreams,
    List<RouteConfig> routes,
    Map<String, EndpointConfig> endpoints,
    AuthConfig auth,
    RedisConfig redis,
    RateLimitConfig rateLimits,
    CacheConfig cache,
    MetricsConfig metrics,
    TracingConfig tracing,
    AuditConfig audit,
    GrpcConfig grpc) {

  /** The settings for the named endpoint, or defaults when the YAML has no block for it. */
  public EndpointConfig endpoint(String name) {
    EndpointConfig e = endpoints.get(name);
    return e != null ? e : EndpointConfig.defaults(name, auth.defaultPolicy(), rateLimits.defaults());
  }
}
