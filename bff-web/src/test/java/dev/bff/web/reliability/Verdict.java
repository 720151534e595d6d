package dev.bff.web.reliability;

import dev.bff.web.reliability.MixedLoad.Kind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run judged as a whole: every request answered, every answer 200 unless an {@link Allowance}
 * of a fault covers it, every step's own expectations met, and replica a's heap after GC and RSS
 * grown by less than {@link Memory#MAX_GROWTH} from the start to the end.
 */
final class Verdict {
  final Scenario sc;
  final Samples s;
  final long sent;
  final int answered;
  final Map<Integer, Integer> statuses;
  final Map<Kind, Map<Integer, Integer>> statusesByKind = new EnumMap<>(Kind.class);
  final Map<String, Integer> allowedByFault = new TreeMap<>();
  final List<String> unexpected = new ArrayList<>();
  int unexpectedCount;
  final Map<Integer, Integer> unexpectedBySecond = new TreeMap<>();
  final Map<String, Integer> unexpectedByKind = new TreeMap<>();
  final List<String> problems = new ArrayList<>();

  Verdict(Scenario sc) {
    this.sc = sc;
    this.s = sc.samples;
    this.sent = sc.load.sent();
    int[] all = s.select(0, Long.MAX_VALUE, i -> true);
    this.statuses = s.statuses(all);
    this.answered = Samples.count(all, i -> s.status(i) > 0);
    for (Kind k : Kind.values()) {
      statusesByKind.put(k, s.statuses(s.select(0, Long.MAX_VALUE, i -> s.kind(i) == k)));
    }
    for (int i = 0; i < s.size(); i++) {
      if (s.status(i) == 200) {
        continue;
      }
      Allowance a = allowance(i);
      if (a != null) {
        allowedByFault.merge(a.why() + ": " + s.status(i), 1, Integer::sum);
      } else {
        unexpectedCount++;
        unexpectedBySecond.merge(s.sentMs(i) / 1000, 1, Integer::sum);
        unexpectedByKind.merge(s.kind(i).label + " -> " + (s.status(i) < 0 ? "no answer" : s.status(i)), 1,
            Integer::sum);
        if (unexpected.size() < 10) {
          unexpected.add("sent at " + s.sentMs(i) + " ms (due at " + s.startMs(i) + ") "
              + s.kind(i).label.replace(":id", String.valueOf(s.id(i))) + " -> "
              + (s.status(i) < 0 ? "no answer" : s.status(i)) + " after " + Math.round(s.latencyMs(i)) + " ms");
        }
      }
    }
    judge();
  }

  private Allowance allowance(int i) {
    for (Allowance a : sc.allowances) {
      if (a.covers(s, i)) {
        return a;
      }
    }
    return null;
  }

  private void judge() {
    if (s.size() != sent || answered != sent) {
      problems.add("requests sent " + sent + ", answered " + answered + " (samples " + s.size() + "): "
          + s.errors());
    }
    if (unexpectedCount > 0) {
      problems.add(unexpectedCount + " answers were neither 200 nor allowed by a fault: " + unexpectedByKind
          + "; by second of the load: " + unexpectedBySecond + "; e.g.\n  " + String.join("\n  ", unexpected));
    }
    for (Outcome o : sc.outcomes) {
      o.problems.forEach(p -> problems.add(o.name + ": " + p));
    }
    double[] g = sc.memory.growth("a");
    if (g[0] >= Memory.MAX_GROWTH || g[1] >= Memory.MAX_GROWTH) {
      problems.add(String.format("replica a grew by %.0f%% heap after GC and %.0f%% RSS from start to end (allowed: "
          + "%.0f%%)", 100 * g[0], 100 * g[1], 100 * Memory.MAX_GROWTH));
    }
  }

  /** Latency percentile of a kind (null: all kinds) within {@code [from, to)}. */
  double percentile(Kind kind, long from, long to, double p) {
    return s.percentile(s.select(from, to, i -> s.status(i) > 0 && (kind == null || s.kind(i) == kind)), p);
  }

  boolean passed() {
    return problems.isEmpty();
  }
}
