package dev.bff.common.aggregate;

import dev.bff.common.routing.BffRequest;
import dev.bff.common.routing.EndpointHandler;
import dev.bff.common.routing.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A composed endpoint: parts fan out in parallel (a part that {@link Part#needs} others starts as
 * soon as they are done), each bounded by its timeout and what is left of the endpoint's deadline;
 * the finished parts are shaped into one response. Optional parts that fail degrade the response
 * ({@code BFF-Degraded}, {@code _meta.degraded}); a required part that fails fails it, naming the
 * part. Every response carries {@code Server-Timing} with one entry per part. Checked at start-up:
 * unique names, known needs, no cycles.
 */
public final class Composition implements EndpointHandler {
  private final List<Part> parts;
  private Function<Parts, Object> shape = Composition::byName;
  private LastGood lastGood = new LastGood();
  private PartCache partCache = new PartCache();
  private SlowCompositions slow;
  private String name;

  private Composition(List<Part> parts) {
    this.parts = parts;
  }

  /**
   * Composes the parts.
   *
   * @throws IllegalArgumentException on a duplicate name, an unknown need or a cycle of needs
   */
  public static Composition of(Part... parts) {
    Map<String, Part> byName = new HashMap<>();
    for (Part p : parts) {
      if (byName.put(p.name(), p) != null) {
        throw new IllegalArgumentException("part '" + p.name() + "' is declared twice");
      }
    }
    for (Part p : parts) {
      for (String n : p.needs()) {
        if (!byName.containsKey(n)) {
          throw new IllegalArgumentException("part '" + p.name() + "' needs unknown part '" + n + "'");
        }
      }
    }
    for (Part p : parts) {
      checkCycle(p, byName, new HashSet<>());
    }
    return new Composition(List.of(parts));
  }

  private static void checkCycle(Part p, Map<String, Part> byName, Set<String> path) {
    if (!path.add(p.name())) {
      throw new IllegalArgumentException("parts " + path + " need each other in a cycle");
    }
    for (String n : p.needs()) {
      checkCycle(byName.get(n), byName, path);
    }
    path.remove(p.name());
  }

  /** Shapes the finished parts into the response body (default: each part's value under its name). */
  public Composition shape(Function<Parts, Object> shape) {
    this.shape = shape;
    return this;
  }

  /** The parts, in declaration order. */
  public List<Part> parts() {
    return parts;
  }

  @Override
  public Future<Reply> handle(BffRequest request) {
    return new CompositionRun(this, request).start();
  }

  /**
   * Keeps this endpoint's slow or degraded requests, with their parts' timings, in {@code slow}
   * (set at start-up, before any request; without it no timings are taken).
   */
  public Composition recordSlow(SlowCompositions slow, String endpoint) {
    this.slow = slow;
    this.name = endpoint;
    return this;
  }

  SlowCompositions slow() {
    return slow;
  }

  String name() {
    return name;
  }

  LastGood lastGood() {
    return lastGood;
  }

  /**
   * Takes over the last good values and cached part values of {@code previous}, the same endpoint
   * in the configuration a reload replaces, so a reload during an outage still has them to serve.
   * Call before this composition serves.
   */
  public void carryOver(Composition previous) {
    this.lastGood = previous.lastGood;
    this.partCache = previous.partCache;
  }

  PartCache partCache() {
    return partCache;
  }

  Object shapeOf(Parts p) {
    return shape.apply(p);
  }

  /** The parts as the start-up log shows them. */
  @Override
  public String toString() {
    return "composition " + parts;
  }

  private static Object byName(Parts p) {
    JsonObject out = new JsonObject();
    p.outcomes().forEach((name, o) -> {
      if (o.value() != null) {
        out.put(name, o.value());
      }
    });
    return out;
  }
}
