package dev.bff.common.aggregate;

import dev.bff.common.config.ComposedConfig.GrpcPart;
import dev.bff.common.config.UriTemplate;
import dev.bff.common.upstream.UpstreamCalls;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The call of a YAML part with {@code grpc}: one unary call whose request fields are its templates
 * filled in from the client request and the parts it needs (values as they are, not URL-encoded;
 * the proto3 JSON mapping parses numbers and booleans from them).
 */
final class GrpcTemplateCall implements PartCall {
  private final GrpcPart grpc;

  GrpcTemplateCall(GrpcPart grpc) {
    this.grpc = grpc;
  }

  @Override
  public Future<?> call(UpstreamCalls upstream, PartContext c) {
    JsonObject request = new JsonObject();
    for (Map.Entry<String, UriTemplate> e : grpc.request().entrySet()) {
      request.put(e.getKey(), TemplateCall.expand(e.getValue(), c, null, true));
    }
    return upstream.grpc(grpc.method(), request);
  }

  @Override
  public String toString() {
    return "grpc " + grpc.method();
  }
}
