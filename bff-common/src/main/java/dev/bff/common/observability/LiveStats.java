package dev.bff.common.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard's per-route numbers over a rolling window: requests per second, p99, error rate and
 * degraded ratio of the last {@value #WINDOW_SECONDS} seconds, with the parts to blame, computed from
 * the counters and histograms already in the registry ({@code bff.request.duration},
 * {@code bff.degraded.responses}, {@code bff.parts}). {@link #sample()} copies those counters once a
 * second (the admin listener's timer); nothing is added to the request path.
 */
public final class LiveStats {
  /** The rolling window. */
  public static final int WINDOW_SECONDS = 10;

  private record RouteCounts(long requests, long errors, long degraded, double[] bucketsMs, long[] atOrBelow) {}

  private record Sample(long nanos, Map<String, RouteCounts> routes, Map<List<String>, Long> parts) {}

  private final MeterRegistry registry;
  private volatile List<String> names;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  /** Stats over {@code metrics}' registry, listing {@code routes} (route and endpoint ids) first, in order. */
  public LiveStats(Metrics metrics, List<String> routes) {
    this.registry = metrics.registry();
    this.names = List.copyOf(routes);
  }

  /** Lists {@code routes} first from now on (a reload changed the routes). */
  public void names(List<String> routes) {
    if (!routes.equals(names)) {
      this.names = List.copyOf(routes);
    }
  }

  /** Takes the counters now and drops the samples older than the window. */
  public synchronized void sample() {
    Sample s = take();
    samples.addLast(s);
    while (samples.size() > 1 && s.nanos() - samples.peekFirst().nanos() > (WINDOW_SECONDS + 0.5) * 1e9) {
      samples.removeFirst();
    }
  }

  /** Per route: totals since start, and the window's rate, p99, error rate and degraded ratio; parts per endpoint. */
  public synchronized JsonObject toJson() {
    Sample now = take();
    Sample then = samples.isEmpty() ? null : samples.peekFirst();
    double seconds = then == null ? 0 : (now.nanos() - then.nanos()) / 1e9;
    LinkedHashSet<String> ids = new LinkedHashSet<>(names);
    ids.addAll(now.routes().keySet());
    Map<String, JsonArray> parts = parts(now, then);
    JsonArray routes = new JsonArray();
    for (String id : ids) {
      RouteCounts n = now.routes().get(id);
      RouteCounts t = then == null ? null : then.routes().get(id);
      long requests = n == null ? 0 : n.requests();
      long inWindow = requests - (t == null ? 0 : t.requests());
      JsonObject r = new JsonObject().put("route", id).put("requests", requests)
          .put("errors", n == null ? 0 : n.errors()).put("degraded", n == null ? 0 : n.degraded())
          .put("windowRequests", inWindow)
          .put("rps", seconds > 0 ? round(inWindow / seconds) : 0.0);
      if (inWindow > 0) {
        r.put("errorRate", round((double) (n.errors() - (t == null ? 0 : t.errors())) / inWindow))
            .put("degradedRatio", round((double) (n.degraded() - (t == null ? 0 : t.degraded())) / inWindow))
            .put("p99Ms", p99(n, t, inWindow));
      }
      if (parts.containsKey(id)) {
        r.put("parts", parts.get(id));
      }
      routes.add(r);
    }
    return new JsonObject().put("metrics", registry != null).put("windowSeconds", WINDOW_SECONDS)
        .put("sampledSeconds", round(seconds)).put("routes", routes);
  }

  /** The upper bound of the histogram bucket that holds the window's 99th percentile (+Inf past the last: null). */
  private static Double p99(RouteCounts n, RouteCounts t, long inWindow) {
    long rank = (long) Math.ceil(inWindow * 0.99);
    for (int i = 0; i < n.atOrBelow().length; i++) {
      long below = n.atOrBelow()[i] - (t == null || t.atOrBelow().length != n.atOrBelow().length ? 0 : t.atOrBelow()[i]);
      if (below >= rank) {
        return n.bucketsMs()[i];
      }
    }
    return null;
  }

  /** Per endpoint, per part: runs and degraded runs (total and in the window), and how it degraded (total). */
  private static Map<String, JsonArray> parts(Sample now, Sample then) {
    Map<String, Map<String, JsonObject>> by = new TreeMap<>();
    now.parts().forEach((k, count) -> {
      String endpoint = k.get(0);
      String part = k.get(1);
      String outcome = k.get(2);
      String served = k.get(3);
      long before = then == null ? 0 : then.parts().getOrDefault(k, 0L);
      JsonObject p = by.computeIfAbsent(endpoint, e -> new LinkedHashMap<>()).computeIfAbsent(part,
          x -> new JsonObject().put("part", part).put("runs", 0L).put("degraded", 0L).put("windowRuns", 0L)
              .put("windowDegraded", 0L).put("reasons", new JsonObject()));
      p.put("runs", p.getLong("runs") + count).put("windowRuns", p.getLong("windowRuns") + count - before);
      boolean degraded = !served.equals("value") && !served.equals("none");
      if (degraded) {
        p.put("degraded", p.getLong("degraded") + count)
            .put("windowDegraded", p.getLong("windowDegraded") + count - before);
        p.getJsonObject("reasons").put(outcome + " -> " + served, count);
      }
    });
    Map<String, JsonArray> out = new LinkedHashMap<>();
    by.forEach((endpoint, ps) -> out.put(endpoint, new JsonArray(List.copyOf(ps.values()))));
    return out;
  }

  private Sample take() {
    Map<String, RouteCounts> routes = new LinkedHashMap<>();
    Map<List<String>, Long> parts = new LinkedHashMap<>();
    if (registry == null) {
      return new Sample(System.nanoTime(), routes, parts);
    }
    Map<String, Long> degraded = new LinkedHashMap<>();
    for (Counter c : registry.find("bff.degraded.responses").counters()) {
      degraded.put(c.getId().getTag("route"), (long) c.count());
    }
    for (Timer t : registry.find("bff.request.duration").timers()) {
      String route = t.getId().getTag("route");
      CountAtBucket[] buckets = t.takeSnapshot().histogramCounts();
      RouteCounts old = routes.get(route);
      double[] bounds = new double[buckets.length];
      long[] below = new long[buckets.length];
      for (int i = 0; i < buckets.length; i++) {
        bounds[i] = buckets[i].bucket(TimeUnit.MILLISECONDS);
        below[i] = (long) buckets[i].count() + (old == null || old.atOrBelow().length != below.length ? 0
            : old.atOrBelow()[i]);
      }
      long count = t.count() + (old == null ? 0 : old.requests());
      long errors = ("5xx".equals(t.getId().getTag("status")) ? t.count() : 0) + (old == null ? 0 : old.errors());
      routes.put(route, new RouteCounts(count, errors, degraded.getOrDefault(route, 0L), bounds, below));
    }
    for (Counter c : registry.find("bff.parts").counters()) {
      Meter.Id id = c.getId();
      parts.put(List.of(id.getTag("endpoint"), id.getTag("part"), id.getTag("outcome"), id.getTag("served")),
          (long) c.count());
    }
    return new Sample(System.nanoTime(), routes, parts);
  }

  private static double round(double d) {
    return Math.round(d * 1000) / 1000.0;
  }
}
