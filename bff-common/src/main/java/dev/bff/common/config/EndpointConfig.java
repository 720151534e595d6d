package dev.bff.common.config;

import java.time.Duration;
import java.util.Set;

/**
 * Settings of an endpoint written in Java; the name joins a {@code endpoints:} block in YAML to the
 * code that mounts it.
 *
 * @param name     the endpoint's name as given in code
 * @param deadline total time the endpoint may take before the gateway answers 504
 */
public record EndpointConfig(String name, Duration deadline) {
  /** Settings used for an endpoint that has no YAML block. */
  public static EndpointConfig defaults(String name) {
    return new EndpointConfig(name, Duration.ofSeconds(10));
  }

  static EndpointConfig read(String name, ConfigNode n) {
    n.allowOnly(Set.of("deadline"));
    return new EndpointConfig(name, n.duration("deadline", Duration.ofSeconds(10)));
  }
}
