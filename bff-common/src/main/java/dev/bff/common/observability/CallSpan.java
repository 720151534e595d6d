package dev.bff.common.observability;

import dev.bff.common.routing.Category;
import io.vertx.core.MultiMap;

/**
 * What upstream calls are made under: a client span (one per proxied request, endpoint part or
 * direct call of a Java endpoint) whose context goes upstream in {@code traceparent}. Without an
 * exporter it is the request's own trace and its methods other than {@link #inject} do nothing.
 */
public interface CallSpan {
  /** Sets {@code traceparent} (this span as the parent) and {@code tracestate} on an upstream request. */
  void inject(MultiMap headers);

  /** The call is being retried (another attempt, same span). */
  void retried();

  /**
   * Ends the span; later calls do nothing.
   *
   * @param outcome {@code ok} or why it failed ({@code timeout}, {@code error}, {@code circuit_open}...)
   * @param served  for an endpoint part, what the answer carried ({@code value}, {@code fallback},
   *                {@code stale}, {@code omitted}...); null otherwise
   * @param status  the upstream's status, or 0 when it did not answer
   */
  void end(String outcome, String served, int status);

  /** The outcome word of an upstream failure: {@code timeout}, {@code reset}, {@code refused}, ... */
  static String outcome(Category c) {
    return switch (c) {
      case TIMEOUT, DEADLINE -> "timeout";
      case RESET -> "reset";
      case UNREACHABLE -> "refused";
      case UNAVAILABLE -> "unavailable";
      case CIRCUIT_OPEN -> "circuit_open";
      case NOT_FOUND -> "not_found";
      default -> "error";
    };
  }
}
