package dev.bff.common.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.bff.common.config.GrpcRouteConfig;
import dev.bff.common.routing.BffRequest;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.EndpointHandler;
import dev.bff.common.routing.Reply;
import dev.bff.common.upstream.UpstreamException;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers a route with one unary gRPC call. The request message is the JSON body (when there is
 * one; it must be an object), then, field by field, the route's {@code request} templates, or
 * without them the query parameters and path parameters named like a scalar field (its
 * {@code .proto} name or lowerCamelCase); path parameters win. The response message is answered as
 * JSON (200); a gRPC status is answered as problem+json with its HTTP mapping ({@link GrpcStatuses}).
 */
public final class GrpcRouteHandler implements EndpointHandler {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");

  private final String upstream;
  private final GrpcMethod method;
  private final Map<String, String> templates;
  private final List<String[]> implicit = new ArrayList<>(); // {field's JSON name, proto name}

  /** A handler calling {@code method} on {@code upstream} as {@code config} says. */
  public GrpcRouteHandler(String upstream, GrpcMethod method, GrpcRouteConfig config) {
    this.upstream = upstream;
    this.method = method;
    this.templates = config.request();
    for (FieldDescriptor f : method.input().getFields()) {
      if (!f.isRepeated() && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        implicit.add(new String[] {f.getJsonName(), f.getName()});
      }
    }
  }

  /** The request fields a route's templates name that the method's request message lacks. */
  public static List<String> unknownFields(GrpcMethod method, GrpcRouteConfig config) {
    List<String> out = new ArrayList<>();
    for (String field : config.request().keySet()) {
      boolean known = method.input().getFields().stream()
          .anyMatch(f -> f.getName().equals(field) || f.getJsonName().equals(field));
      if (!known) {
        out.add(field);
      }
    }
    return out;
  }

  @Override
  public Future<Reply> handle(BffRequest r) {
    JsonObject message;
    try {
      message = r.body() == null || r.body().length() == 0 ? new JsonObject() : new JsonObject(r.body());
    } catch (DecodeException | ClassCastException e) {
      return Future.succeededFuture(Reply.problem(Category.BAD_REQUEST, "the body must be a JSON object"));
    }
    if (templates.isEmpty()) {
      for (String[] f : implicit) {
        String v = first(r.query(f[1]), r.query(f[0]));
        String p = first(r.param(f[1]), r.param(f[0]));
        if (p != null) {
          v = p;
        }
        if (v != null) {
          if (!f[0].equals(f[1])) {
            message.remove(f[1]); // one spelling only: the mapping refuses a field given twice
          }
          message.put(f[0], v);
        }
      }
    } else {
      templates.forEach((field, t) -> {
        String v = resolve(t, r);
        if (v != null) {
          message.put(field, v);
        }
      });
    }
    return r.upstream(upstream).grpc(method, message).map(Reply::json).recover(e -> Future.succeededFuture(problem(e)));
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

  /** The template with its placeholders filled in, or null when one has no value and no default. */
  private static String resolve(String template, BffRequest r) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String def = null;
      int colon = name.indexOf(':');
      if (colon >= 0) {
        def = name.substring(colon + 1);
        name = name.substring(0, colon);
      }
      String v = name.startsWith("query.") ? r.query(name.substring(6)) : r.param(name);
      if (v == null) {
        v = def;
      }
      if (v == null) {
        return null;
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private Reply problem(Throwable e) {
    if (e instanceof GrpcCallException g) {
      String detail = GrpcStatuses.messageForClient(g.grpcStatus()) && g.statusMessage() != null
          ? "gRPC " + g.grpcStatus().name() + ": " + g.statusMessage()
          : "upstream '" + upstream + "' answered gRPC " + g.grpcStatus().name();
      return Reply.problem(g.category(), detail);
    }
    if (e instanceof UpstreamException u) {
      return Reply.problem(u.category(), u.getMessage());
    }
    if (e instanceof IllegalArgumentException) {
      return Reply.problem(Category.BAD_REQUEST, e.getMessage());
    }
    return Reply.problem(Category.ERROR, "upstream '" + upstream + "' failed");
  }

  @Override
  public String toString() {
    return "grpc " + method.fullName() + " on " + upstream;
  }
}
