package dev.bff.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The gRPC services routes and parts may call (the top-level {@code grpc} block): their protobuf
 * descriptor sets ({@code protoc --include_imports --descriptor_set_out}), loaded at start-up, so a
 * BFF needs no generated code to map JSON to protobuf and back.
 *
 * @param descriptorSets files ({@code /path/x.pb}) or classpath resources ({@code classpath:grpc/x.pb})
 */
public record GrpcConfig(List<String> descriptorSets) {
  /** No gRPC services. */
  public static final GrpcConfig NONE = new GrpcConfig(List.of());

  /** Whether any service is described. */
  public boolean enabled() {
    return !descriptorSets.isEmpty();
  }

  static GrpcConfig read(ConfigNode n) {
    if (!n.present()) {
      return NONE;
    }
    n.allowOnly(Set.of("descriptor-sets"));
    List<String> sets = new ArrayList<>(n.strings("descriptor-sets"));
    if (sets.isEmpty()) {
      n.problem("descriptor-sets", "is required: the descriptor sets of the services (protoc --descriptor_set_out)");
    }
    return new GrpcConfig(List.copyOf(sets));
  }
}
