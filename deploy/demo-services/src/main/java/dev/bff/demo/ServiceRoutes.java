package dev.bff.demo;

import io.vertx.ext.web.Router;

/** The business routes of one demo service; mounted after the shared admin, stats and fault handlers. */
@FunctionalInterface
public interface ServiceRoutes {

  /** Adds this service's routes to {@code router}. */
  void mount(Router router);

  /**
   * Called once the service's server listens, with the base URL clients reach it by (see
   * {@link DemoServices#baseUrl(String, int)}); does nothing unless a service needs its own address.
   */
  default void listening(String baseUrl) {
  }
}
