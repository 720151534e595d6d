package dev.bff.common.aggregate;

import dev.bff.common.config.ComposedConfig;
import dev.bff.common.config.ComposedConfig.PartConfig;
import dev.bff.common.config.ComposedConfig.ShapeStep;
import dev.bff.common.config.ConfigProblem;
import dev.bff.common.shape.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Compiles a composed endpoint declared in YAML into the same {@link Composition} Java code builds. */
public final class YamlComposition {
  private YamlComposition() {}

  /**
   * Builds the composition.
   *
   * @param key      the endpoint's key path in the file ({@code endpoints.NAME}), for problems
   * @param computes the functions a shape may {@code compute} with, by name
   * @param problems where problems found now (unknown functions) are added
   */
  public static Composition compile(ComposedConfig c, String key, Map<String, Function<Parts, Object>> computes,
      List<ConfigProblem> problems) {
    List<Part> parts = new ArrayList<>();
    for (PartConfig pc : c.parts()) {
      PartCall call = pc.grpc() != null ? new GrpcTemplateCall(pc.grpc())
          : new TemplateCall(pc.uri(), pc.forEach(), pc.headers());
      Part p = pc.required() ? Part.required(pc.name(), pc.upstream(), call)
          : Part.optional(pc.name(), pc.upstream(), call);
      if (pc.timeout() != null) {
        p.timeout(pc.timeout());
      }
      if (pc.cacheTtl() != null) {
        p.cacheFor(pc.cacheTtl());
      }
      if (!pc.required()) {
        if (pc.fallback().value() != null) {
          p.fallback(pc.fallback().value());
        }
        if (pc.fallback().lastGood()) {
          p.fallbackToLastGood();
        }
      }
      p.needs(pc.needs().toArray(new String[0]));
      parts.add(p);
    }
    Composition composition = Composition.of(parts.toArray(new Part[0]));
    if (!c.shape().isEmpty()) {
      List<Shape.Rule> rules = new ArrayList<>();
      for (int i = 0; i < c.shape().size(); i++) {
        Shape.Rule r = rule(c.shape().get(i), key + ".shape[" + i + "]", computes, problems);
        if (r != null) {
          rules.add(r);
        }
      }
      composition.shape(Shape.of(rules));
    }
    return composition;
  }

  private static Shape.Rule rule(ShapeStep s, String key, Map<String, Function<Parts, Object>> computes,
      List<ConfigProblem> problems) {
    if (s.compute() != null) {
      Function<Parts, Object> f = computes.get(s.compute());
      if (f == null) {
        problems.add(new ConfigProblem(key + ".compute", "no function named '" + s.compute()
            + "' is registered with Endpoints.compute (registered: " + new java.util.TreeSet<>(computes.keySet()) + ")"));
        return null;
      }
      return Shape.compute(s.put(), f);
    }
    Transform t = transform(s);
    return s.merge() != null ? Shape.merge(s.merge(), t) : Shape.put(s.put(), s.from(), t);
  }

  /** The reshaping steps of a rule, in their fixed order: pick, limit, each, object, select, drop, rename. */
  private static Transform transform(ShapeStep s) {
    List<Transform> steps = new ArrayList<>();
    if (s.pick() != null && !s.pick().isEmpty()) {
      steps.add(Transform.pick(s.pick()));
    }
    if (s.limit() != null) {
      steps.add(Transform.limit(s.limit()));
    }
    if (s.each() != null) {
      steps.add(Transform.each(transform(s.each())));
    }
    if (!s.object().isEmpty()) {
      steps.add(Transform.object(s.object()));
    }
    if (!s.select().isEmpty()) {
      steps.add(Transform.select(s.select().toArray(new String[0])));
    }
    if (!s.drop().isEmpty()) {
      steps.add(Transform.drop(s.drop().toArray(new String[0])));
    }
    if (!s.rename().isEmpty()) {
      steps.add(Transform.rename(s.rename()));
    }
    return Transform.chain(steps.toArray(new Transform[0]));
  }
}
