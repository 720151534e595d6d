package dev.bff.common.routing;

/**
 * What a matched route does with the request: proxy it to an upstream or run a Java endpoint.
 * Built once at start-up per event loop; {@link #serve(Exchange)} runs on that event loop.
 */
public interface Target {
  /** Serves the exchange, answering it exactly once (a reply, a problem, or a reset). */
  void serve(Exchange exchange);

  /** One line for the start-up log describing what this target does and with which settings. */
  String describe();
}
