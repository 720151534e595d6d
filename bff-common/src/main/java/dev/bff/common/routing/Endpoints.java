package dev.bff.common.routing;

import dev.bff.common.config.PathSyntax;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The endpoint DSL a {@link BffModule} uses: {@code e.get("name", "/path/:id", handler)}. The name
 * joins the endpoint to its block under {@code endpoints:} in YAML.
 */
public final class Endpoints {
  private final List<Spec> specs = new ArrayList<>();
  private final List<Stage> stages = new ArrayList<>();
  private final java.util.Map<String, java.util.function.Function<dev.bff.common.aggregate.Parts, Object>> computes =
      new java.util.LinkedHashMap<>();

  /**
   * A declared endpoint.
   *
   * @param name    the name joining it to YAML
   * @param method  the HTTP method
   * @param path    the path pattern
   * @param handler what answers it
   * @param stages  stages around this endpoint only (after the BFF-wide ones)
   */
  public record Spec(String name, HttpMethod method, String path, EndpointHandler handler, List<Stage> stages) {
    /** Adds a stage around this endpoint. */
    public Spec stage(Stage s) {
      stages.add(s);
      return this;
    }
  }

  /** Declares a GET endpoint. */
  public Spec get(String name, String path, EndpointHandler handler) {
    return route(HttpMethod.GET, name, path, handler);
  }

  /** Declares a POST endpoint. */
  public Spec post(String name, String path, EndpointHandler handler) {
    return route(HttpMethod.POST, name, path, handler);
  }

  /** Declares an endpoint for any method. */
  public Spec route(HttpMethod method, String name, String path, EndpointHandler handler) {
    String err = PathSyntax.check(path);
    if (err != null) {
      throw new IllegalArgumentException("endpoint '" + name + "' path " + err);
    }
    for (Spec s : specs) {
      if (s.name().equals(name)) {
        throw new IllegalArgumentException("endpoint name '" + name + "' is declared twice");
      }
    }
    Spec s = new Spec(name, method, path, handler, new ArrayList<>());
    specs.add(s);
    return s;
  }

  /** Adds a stage around every endpoint of the BFF. */
  public Endpoints stage(Stage s) {
    stages.add(s);
    return this;
  }

  /**
   * Registers a function that YAML shapes can use by name ({@code - { put: inStock, compute: in-stock }}):
   * a computed field from the parts, such as {@code inventory.quantity > 0}.
   */
  public Endpoints compute(String name, java.util.function.Function<dev.bff.common.aggregate.Parts, Object> f) {
    if (computes.put(name, f) != null) {
      throw new IllegalArgumentException("function '" + name + "' is registered twice");
    }
    return this;
  }

  /** The functions YAML shapes can compute with, by name. */
  public java.util.Map<String, java.util.function.Function<dev.bff.common.aggregate.Parts, Object>> computations() {
    return java.util.Collections.unmodifiableMap(computes);
  }

  /** The declared endpoints, in order. */
  public List<Spec> specs() {
    return Collections.unmodifiableList(specs);
  }

  /** The BFF-wide stages. */
  public List<Stage> stages() {
    return Collections.unmodifiableList(stages);
  }
}
