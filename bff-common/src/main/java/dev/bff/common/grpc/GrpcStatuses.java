package dev.bff.common.grpc;

import dev.bff.common.routing.Category;
import io.vertx.grpc.common.GrpcStatus;

/**
 * gRPC status codes as the gateway's categories, hence HTTP statuses, as Google's HTTP mapping
 * ({@code google.rpc.Code}) has them: NOT_FOUND 404, INVALID_ARGUMENT, FAILED_PRECONDITION and
 * OUT_OF_RANGE 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, ALREADY_EXISTS and ABORTED 409,
 * RESOURCE_EXHAUSTED 429, UNIMPLEMENTED 501, UNAVAILABLE 503, DEADLINE_EXCEEDED 504; UNKNOWN,
 * INTERNAL, DATA_LOSS and CANCELLED are the upstream's failure, 502.
 */
public final class GrpcStatuses {
  private GrpcStatuses() {}

  /** The category of a non-OK status. */
  public static Category category(GrpcStatus s) {
    return switch (s) {
      case NOT_FOUND -> Category.NOT_FOUND;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> Category.BAD_REQUEST;
      case UNAUTHENTICATED -> Category.UNAUTHORIZED;
      case PERMISSION_DENIED -> Category.FORBIDDEN;
      case ALREADY_EXISTS, ABORTED -> Category.CONFLICT;
      case RESOURCE_EXHAUSTED -> Category.RATE_LIMITED;
      case UNIMPLEMENTED -> Category.NOT_IMPLEMENTED;
      case UNAVAILABLE -> Category.UNAVAILABLE;
      case DEADLINE_EXCEEDED -> Category.TIMEOUT;
      default -> Category.ERROR;
    };
  }

  /**
   * Whether a status says the upstream is failing (counted by its circuit breaker and outlier
   * detection), as opposed to answering a request it judged wrong or missing.
   */
  public static boolean upstreamFault(GrpcStatus s) {
    return switch (s) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN, DATA_LOSS -> true;
      default -> false;
    };
  }

  /**
   * Whether the service's status message may reach the client: for statuses about the request
   * (not found, invalid, denied) it says what to fix; for the service's own failures it may leak
   * internals, so the gateway's description is used.
   */
  public static boolean messageForClient(GrpcStatus s) {
    return switch (s) {
      case NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS, ABORTED,
          PERMISSION_DENIED, UNAUTHENTICATED, RESOURCE_EXHAUSTED -> true;
      default -> false;
    };
  }
}
