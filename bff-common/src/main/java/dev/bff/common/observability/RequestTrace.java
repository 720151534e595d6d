package dev.bff.common.observability;

import dev.bff.common.routing.Exchange;

/**
 * One request's place in a trace: continued from the client's {@code traceparent} (when trusted)
 * or new. With an exporter it is a server span and hands out client spans; without one it is only
 * the ids upstream calls carry, and it is its own {@link CallSpan}.
 */
public interface RequestTrace extends CallSpan {
  /** The trace id (32 lower-case hex digits), for the access log. */
  String traceId();

  /** A client span for one call (or one endpoint part when {@code part} is not null); the caller ends it. */
  CallSpan call(String upstream, String part);

  /** The client span of the request's proxied call: ended with the request, by {@link #finish}. */
  CallSpan proxy(String upstream);

  /** The request ended with {@code status} (499 when the client left): ends its spans. */
  void finish(Exchange ex, int status);
}
