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

  /** Declares the BFF's Java endpoints; called once at start-up. */
  default void endpoints(Endpoints endpoints) {}
}
