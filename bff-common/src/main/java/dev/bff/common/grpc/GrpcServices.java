package dev.bff.common.grpc;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.util.JsonFormat;
import dev.bff.common.config.ConfigProblem;
import dev.bff.common.config.GrpcConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The gRPC methods a BFF can call, from the descriptor sets of {@code grpc.descriptor-sets}, read
 * once at start-up (blocking, like certificates): each unary method by its full name, with the
 * proto3 JSON mapping of its request and response. Shared by all event loops; immutable.
 */
public final class GrpcServices {
  /** No services: every look-up fails. */
  public static final GrpcServices NONE = new GrpcServices(Map.of());

  /** Well-known types a descriptor set may import without including them. */
  private static final List<FileDescriptor> WELL_KNOWN = List.of(
      com.google.protobuf.AnyProto.getDescriptor(), com.google.protobuf.TimestampProto.getDescriptor(),
      com.google.protobuf.DurationProto.getDescriptor(), com.google.protobuf.StructProto.getDescriptor(),
      com.google.protobuf.WrappersProto.getDescriptor(), com.google.protobuf.EmptyProto.getDescriptor(),
      com.google.protobuf.FieldMaskProto.getDescriptor());

  private final Map<String, GrpcMethod> methods;

  private GrpcServices(Map<String, GrpcMethod> methods) {
    this.methods = methods;
  }

  /**
   * Loads every descriptor set of {@code config}; a set that cannot be read or does not link (a
   * missing import), and a streaming method, are problems under {@code grpc.descriptor-sets}.
   */
  public static GrpcServices load(GrpcConfig config, List<ConfigProblem> problems) {
    if (!config.enabled()) {
      return NONE;
    }
    Map<String, FileDescriptor> files = new LinkedHashMap<>();
    WELL_KNOWN.forEach(f -> files.put(f.getName(), f));
    List<FileDescriptor> described = new ArrayList<>();
    for (int i = 0; i < config.descriptorSets().size(); i++) {
      String spec = config.descriptorSets().get(i);
      String key = "grpc.descriptor-sets[" + i + "]";
      FileDescriptorSet set;
      try (InputStream in = open(spec)) {
        set = FileDescriptorSet.parseFrom(in);
      } catch (IOException | RuntimeException e) {
        problems.add(new ConfigProblem(key, "'" + spec + "' is not a readable descriptor set (protoc "
            + "--include_imports --descriptor_set_out): " + e.getMessage()));
        continue;
      }
      for (FileDescriptorProto p : set.getFileList()) {
        if (files.containsKey(p.getName())) {
          continue; // a well-known type, or a file two sets share
        }
        List<FileDescriptor> deps = new ArrayList<>();
        String missing = null;
        for (String d : p.getDependencyList()) {
          FileDescriptor dep = files.get(d);
          if (dep == null) {
            missing = d;
            break;
          }
          deps.add(dep);
        }
        if (missing != null) {
          problems.add(new ConfigProblem(key, "'" + p.getName() + "' imports '" + missing + "', which '" + spec
              + "' does not hold: build it with protoc --include_imports"));
          continue;
        }
        try {
          FileDescriptor f = FileDescriptor.buildFrom(p, deps.toArray(new FileDescriptor[0]));
          files.put(p.getName(), f);
          described.add(f);
        } catch (DescriptorValidationException e) {
          problems.add(new ConfigProblem(key, "'" + p.getName() + "' does not link: " + e.getMessage()));
        }
      }
    }
    JsonFormat.TypeRegistry.Builder types = JsonFormat.TypeRegistry.newBuilder();
    described.forEach(f -> types.add(f.getMessageTypes()));
    JsonFormat.TypeRegistry registry = types.build();
    Map<String, GrpcMethod> methods = new LinkedHashMap<>();
    for (FileDescriptor f : described) {
      for (ServiceDescriptor s : f.getServices()) {
        for (MethodDescriptor m : s.getMethods()) {
          if (m.isClientStreaming() || m.isServerStreaming()) {
            continue; // only unary methods can answer one HTTP request; asking for another says so
          }
          GrpcMethod gm = new GrpcMethod(m, registry);
          methods.put(gm.fullName(), gm);
        }
      }
    }
    return new GrpcServices(Map.copyOf(methods));
  }

  private static InputStream open(String spec) throws IOException {
    if (spec.startsWith("classpath:")) {
      String name = spec.substring("classpath:".length());
      InputStream in = GrpcServices.class.getClassLoader().getResourceAsStream(name.startsWith("/")
          ? name.substring(1) : name);
      if (in == null) {
        throw new IOException("no such classpath resource");
      }
      return in;
    }
    return Files.newInputStream(Path.of(spec));
  }

  /**
   * The unary method named {@code name} ({@code package.Service/Method}, or with a dot before the
   * method), or null when no descriptor set describes it.
   */
  public GrpcMethod method(String name) {
    GrpcMethod m = methods.get(name);
    if (m == null && name.indexOf('/') < 0 && name.lastIndexOf('.') > 0) {
      int dot = name.lastIndexOf('.');
      m = methods.get(name.substring(0, dot) + "/" + name.substring(dot + 1));
    }
    return m;
  }

  /** The unary methods known, by full name (for messages). */
  public java.util.Set<String> names() {
    return new TreeSet<>(methods.keySet());
  }

  @Override
  public String toString() {
    return "grpc " + names();
  }
}
