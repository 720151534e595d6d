package dev.bff.common.grpc;

import dev.bff.common.upstream.UpstreamException;
import io.vertx.grpc.common.GrpcStatus;

/** A gRPC call ended with a status other than OK; its category follows {@link GrpcStatuses}. */
public final class GrpcCallException extends UpstreamException {
  private final GrpcStatus grpcStatus;
  private final String statusMessage;

  /** The call to {@code upstream} ended with {@code status} and the service's {@code message} (may be null). */
  public GrpcCallException(String upstream, GrpcStatus status, String message) {
    super(upstream, GrpcStatuses.category(status), GrpcStatuses.category(status).status(),
        "upstream '" + upstream + "' answered gRPC " + status.name()
            + (message == null || message.isEmpty() ? "" : ": " + message));
    this.grpcStatus = status;
    this.statusMessage = message;
  }

  /** The gRPC status. */
  public GrpcStatus grpcStatus() {
    return grpcStatus;
  }

  /** The service's status message, or null. */
  public String statusMessage() {
    return statusMessage;
  }
}
