package dev.bff.common.observability;

import dev.bff.common.routing.Exchange;
import io.vertx.core.MultiMap;

/**
 * A request's trace without an exporter: only the ids. Every upstream call of the request carries
 * one {@code traceparent} naming the gateway's (unrecorded) span as the parent, so the services'
 * spans still join the client's trace or a new one; nothing is allocated per call.
 */
final class IdTrace implements RequestTrace {
  private final String traceparent;
  private final String tracestate;

  /**
   * @param traceparent what upstream calls carry
   * @param tracestate  the trusted client's {@code tracestate}, passed on; null for none
   */
  IdTrace(String traceparent, String tracestate) {
    this.traceparent = traceparent;
    this.tracestate = tracestate;
  }

  @Override
  public String traceId() {
    return TraceParent.traceId(traceparent);
  }

  @Override
  public void inject(MultiMap headers) {
    headers.set(Tracing.TRACEPARENT, traceparent);
    if (tracestate != null) {
      headers.set(Tracing.TRACESTATE, tracestate);
    } else {
      headers.remove(Tracing.TRACESTATE);
    }
  }

  @Override
  public CallSpan call(String upstream, String part) {
    return this;
  }

  @Override
  public CallSpan proxy(String upstream) {
    return this;
  }

  @Override
  public void retried() {
  }

  @Override
  public void end(String outcome, String served, int status) {
  }

  @Override
  public void finish(Exchange ex, int status) {
  }
}
