package dev.bff.web.reliability;

import dev.bff.common.testing.Scrape;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gateway's own account of a step: its error and degradation counters from {@code /metrics},
 * summed over both replicas, as a difference between two snapshots (a replica restarted in between
 * counts from its restart). Shows which upstream, part or route the statuses the load saw came from.
 */
final class Counters {
  private final Map<String, Map<String, Double>> byReplica = new TreeMap<>();
  private final Map<String, Long> pids = new TreeMap<>();

  private Counters() {}

  static Counters take(Stack st) {
    Counters c = new Counters();
    for (Replica r : List.of(st.a, st.b)) {
      c.pids.put(r.name(), r.pid());
      c.byReplica.put(r.name(), read(r.scrape()));
    }
    return c;
  }

  private static Map<String, Double> read(Scrape s) {
    Map<String, Double> out = new TreeMap<>();
    for (Scrape.Series x : s.series()) {
      Map<String, String> l = x.labels();
      String key = switch (x.name()) {
        case "bff_request_duration_seconds_count" -> "5xx".equals(l.get("status")) ? "5xx " + l.get("route") : null;
        case "bff_upstream_errors_total" -> "upstream error " + l.get("upstream") + " " + l.get("kind");
        case "bff_upstream_retries_total" -> "retries " + l.get("upstream");
        case "bff_parts_total" -> "ok".equals(l.get("outcome")) || "cached".equals(l.get("outcome")) ? null
            : "part " + l.get("endpoint") + "/" + l.get("part") + " " + l.get("outcome") + "->" + l.get("served");
        case "bff_rate_limit_fallback_decisions_total" -> "rate-limit decisions without Redis";
        case "bff_cache_requests_total" -> "bypass".equals(l.get("result")) ? "cache bypass " + l.get("route") : null;
        default -> null;
      };
      if (key != null) {
        out.merge(key, x.value(), Double::sum);
      }
    }
    return out;
  }

  /** What grew from {@code before} to this snapshot, summed over the replicas; zeros left out. */
  Map<String, Long> since(Counters before) {
    Map<String, Long> out = new TreeMap<>();
    byReplica.forEach((replica, now) -> {
      boolean restarted = !pids.get(replica).equals(before.pids.get(replica));
      Map<String, Double> then = restarted ? Map.of() : before.byReplica.get(replica);
      now.forEach((k, v) -> {
        long d = Math.round(v - then.getOrDefault(k, 0.0));
        if (d > 0) {
          out.merge(k, d, Long::sum);
        }
      });
    });
    return out;
  }
}
