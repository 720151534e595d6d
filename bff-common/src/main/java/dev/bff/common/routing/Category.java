package dev.bff.common.routing;

/**
 * Outcome categories of gateway-made answers and upstream failures. One enum drives the HTTP
 * status, the problem type, the log field and (later) the metric tag.
 */
public enum Category {
  /** The request is malformed. */
  BAD_REQUEST(400, "bad-request", "Bad request"),
  /** The request matched one of the configured deny rules ({@code server.hardening}). */
  DENIED(400, "request-denied", "Request denied"),
  /** No valid credentials (missing, malformed, expired or unverifiable token). */
  UNAUTHORIZED(401, "unauthorized", "Unauthorized"),
  /** Valid credentials without the roles or scopes the route requires. */
  FORBIDDEN(403, "forbidden", "Forbidden"),
  /** No route matches the path. */
  NO_ROUTE(404, "no-route", "No route"),
  /** The upstream said the resource does not exist, or a static route has no such file. */
  NOT_FOUND(404, "not-found", "Not found"),
  /** A route matches the path but not the method. */
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
  /** The body is larger than allowed. */
  BODY_TOO_LARGE(413, "body-too-large", "Request body too large"),
  /** The body's content type is not one the route accepts. */
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
  /** A static file's byte range that starts past its end (416 with {@code Content-Range: bytes *}{@code /size}). */
  RANGE_NOT_SATISFIABLE(416, "range-not-satisfiable", "Range not satisfiable"),
  /** The request line (URI) is longer than allowed. */
  URI_TOO_LONG(414, "uri-too-long", "URI too long"),
  /** The upstream refused the request as conflicting with its state (gRPC ALREADY_EXISTS, ABORTED). */
  CONFLICT(409, "conflict", "Conflict"),
  /** A rate limit or quota refuses the request (429 with Retry-After). */
  RATE_LIMITED(429, "rate-limited", "Too many requests"),
  /** The headers are larger than allowed. */
  HEADERS_TOO_LARGE(431, "headers-too-large", "Request header fields too large"),
  /** The upstream does not implement what was asked (gRPC UNIMPLEMENTED). */
  NOT_IMPLEMENTED(501, "not-implemented", "Not implemented"),
  /** The upstream could not be connected to (refused, unknown host). */
  UNREACHABLE(502, "upstream-unreachable", "Upstream unreachable"),
  /** The upstream closed or reset the connection before answering in full. */
  RESET(502, "upstream-reset", "Upstream connection reset"),
  /** The upstream answered with something that is not valid HTTP, or failed otherwise. */
  ERROR(502, "upstream-error", "Upstream error"),
  /** No healthy instance of the upstream is available (all ejected or failing health checks). */
  UNAVAILABLE(503, "upstream-unavailable", "No healthy upstream instance"),
  /** The upstream's circuit breaker is open: the call was not made. */
  CIRCUIT_OPEN(503, "circuit-open", "Circuit open"),
  /** The keys to verify credentials are not available (identity provider unreachable since start). */
  AUTH_UNAVAILABLE(503, "auth-unavailable", "Authentication unavailable"),
  /** The shared rate-limit store cannot be asked and the rate limits fail closed. */
  RATE_LIMIT_UNAVAILABLE(503, "rate-limit-unavailable", "Rate limiting unavailable"),
  /** The gateway is shutting down and accepts no new work. */
  SHUTTING_DOWN(503, "shutting-down", "Shutting down"),
  /** The upstream did not answer in time (connect, response or idle timeout). */
  TIMEOUT(504, "upstream-timeout", "Upstream timeout"),
  /** A Java endpoint ran past its deadline. */
  DEADLINE(504, "deadline-exceeded", "Deadline exceeded"),
  /** A bug in the gateway or an endpoint; details are logged, never sent. */
  INTERNAL(500, "internal", "Internal error");

  private final int status;
  private final String slug;
  private final String title;

  Category(int status, String slug, String title) {
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  /** The HTTP status sent to the client. */
  public int status() {
    return status;
  }

  /** A short lower-case name used in problem types, logs and metrics. */
  public String slug() {
    return slug;
  }

  /** The problem title. */
  public String title() {
    return title;
  }
}
