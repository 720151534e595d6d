package dev.bff.common.routing;

import io.vertx.core.Future;

/** Handles one request to a Java endpoint after routing; built once at start-up. */
@FunctionalInterface
public interface EndpointHandler {
  /** Answers the request; a failed future becomes a problem (see {@link EndpointTarget}). */
  Future<Reply> handle(BffRequest request);
}
