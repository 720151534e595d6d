package dev.bff.common.grpc;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.ServiceName;

/**
 * One unary gRPC method and the proto3 JSON mapping of its messages: a request is built from JSON
 * (field names as in the {@code .proto} or in lowerCamelCase; an unknown field or a value of the
 * wrong type is refused), a response printed as JSON with lowerCamelCase names and every field,
 * defaults included (so {@code quantity: 0} is not left out).
 */
public final class GrpcMethod {
  private final MethodDescriptor method;
  private final ServiceName service;
  private final JsonFormat.Parser parser;
  private final JsonFormat.Printer printer;

  GrpcMethod(MethodDescriptor method, JsonFormat.TypeRegistry registry) {
    this.method = method;
    this.service = ServiceName.create(method.getService().getFullName());
    this.parser = JsonFormat.parser().usingTypeRegistry(registry);
    this.printer = JsonFormat.printer().usingTypeRegistry(registry).alwaysPrintFieldsWithNoPresence()
        .omittingInsignificantWhitespace();
  }

  /** {@code package.Service/Method}. */
  public String fullName() {
    return service.fullyQualifiedName() + "/" + method.getName();
  }

  /** The service. */
  public ServiceName service() {
    return service;
  }

  /** The method's simple name. */
  public String name() {
    return method.getName();
  }

  /** The request message type. */
  public Descriptor input() {
    return method.getInputType();
  }

  /**
   * The request as protobuf bytes.
   *
   * @throws IllegalArgumentException naming what does not fit the request type
   */
  public Buffer encode(JsonObject request) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(method.getInputType());
    try {
      parser.merge(request.encode(), b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the request does not fit " + method.getInputType().getFullName() + ": "
          + e.getMessage());
    }
    return Buffer.buffer(b.build().toByteArray());
  }

  /**
   * The response's JSON.
   *
   * @throws InvalidProtocolBufferException when the bytes are not a {@code output} message
   */
  public JsonObject decode(Buffer response) throws InvalidProtocolBufferException {
    DynamicMessage m = DynamicMessage.parseFrom(method.getOutputType(), response.getBytes());
    return new JsonObject(printer.print(m));
  }

  @Override
  public String toString() {
    return fullName();
  }
}
