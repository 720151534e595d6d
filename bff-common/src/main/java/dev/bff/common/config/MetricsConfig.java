package dev.bff.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code metrics} block: Prometheus metrics on the admin listener's {@code /metrics}.
 *
 * @param enabled whether anything is measured ({@code false}: no meters, no {@code /metrics})
 * @param jvm     whether JVM and process metrics (memory, GC, threads, classes, CPU, uptime, file
 *                descriptors) are exported too
 * @param buckets the upper bounds of the latency histograms' buckets, increasing
 */
public record MetricsConfig(boolean enabled, boolean jvm, List<Duration> buckets) {
  /** 5 ms to 10 s, about three buckets per decade: enough for p50/p90/p99 with histogram_quantile. */
  public static final List<Duration> DEFAULT_BUCKETS = List.of(Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10));

  /** Metrics on, with JVM metrics and the default buckets. */
  public static final MetricsConfig DEFAULT = new MetricsConfig(true, true, DEFAULT_BUCKETS);

  static MetricsConfig read(ConfigNode n) {
    if (!n.present()) {
      return DEFAULT;
    }
    n.allowOnly(Set.of("enabled", "jvm", "buckets"));
    if (!n.isObject()) {
      return DEFAULT;
    }
    List<Duration> buckets = DEFAULT_BUCKETS;
    if (n.child("buckets").present()) {
      buckets = new ArrayList<>();
      ConfigNode b = n.child("buckets");
      List<ConfigNode> items = b.list(null);
      for (int i = 0; i < items.size(); i++) {
        Duration d = items.get(i).asDuration(null);
        if (d == null) {
          continue;
        }
        if (d.isZero()) {
          items.get(i).problem(null, "must be more than 0");
        } else if (!buckets.isEmpty() && d.compareTo(buckets.get(buckets.size() - 1)) <= 0) {
          items.get(i).problem(null, "must be larger than the bucket before it");
        } else {
          buckets.add(d);
        }
      }
      if (items.isEmpty()) {
        b.problem(null, "must list at least one bucket, e.g. [10ms, 100ms, 1s]");
      } else if (items.size() > 40) {
        b.problem(null, "has " + items.size() + " buckets; at most 40 (each is a series per route and status)");
      }
      buckets = List.copyOf(buckets);
    }
    return new MetricsConfig(n.bool("enabled", true), n.bool("jvm", true), buckets);
  }

  @Override
  public String toString() {
    return enabled ? "metrics" + (jvm ? " +jvm" : "") + " buckets=" + buckets.stream().map(Duration::toMillis).toList()
        + "ms" : "metrics off";
  }
}
