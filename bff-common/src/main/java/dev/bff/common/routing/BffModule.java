package dev.bff.common.routing;

/**
 * What a client team implements: the BFF's name (which names its YAML file) and its Java endpoints.
 * Pass-through routes need no code; they live in the YAML.
 */
public interface BffModule {
  /** The BFF's name, e.g. {@code bff-web}; the built-in config is the classpath resource {@code <name>.yaml}. */
  String name();

  /** Default gateway port when the YAML gives none. */
  default int defaultPort() {
    return 8080;
  }

  /** Default admin port when the YAML gives none. */
  default int defaultAdminPort() {
    return 9080;
  }

  /**
   * Declares the BFF's Java endpoints; called at start-up and again on every configuration reload,
   * which serves what this call declares: declare fresh handlers each time (state that must outlive a
   * reload belongs in a static or in an upstream, not in a handler).
   */
  default void endpoints(Endpoints endpoints) {}
}
