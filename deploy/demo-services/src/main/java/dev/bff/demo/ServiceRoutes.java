package dev.bff.demo;

import io.vertx.ext.web.Router;

/** The business routes of one demo service; mounted after the shared admin, stats and fault handlers. */
@FunctionalInterface
public interface ServiceRoutes {

  /** Adds this service's routes to {@code router}. */
  void mount(Router router);
}
