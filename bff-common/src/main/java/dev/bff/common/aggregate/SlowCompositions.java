package dev.bff.common.aggregate;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The most recent composed requests that were slow (at least a threshold) or degraded, with each
 * part's start offset, duration and outcome: the dashboard's waterfall. A bounded ring shared by
 * all event loops; a request that is neither slow nor degraded costs a comparison, and a BFF
 * without metrics has none of it (compositions then record no timings at all).
 */
public final class SlowCompositions {
  /** What a dashboard keeps by default: the last 20 requests of 100 ms or more, or degraded. */
  public static final int DEFAULT_CAPACITY = 20;
  /** The default threshold of a slow composed request. */
  public static final Duration DEFAULT_THRESHOLD = Duration.ofMillis(100);

  /** One part in a recorded request: offsets in microseconds from the composition's start, -1 when never started. */
  private record PartTiming(String part, long startMicros, long endMicros, String outcome, String served) {}

  private record Entry(String endpoint, long epochMillis, long micros, String result, List<PartTiming> parts) {}

  private final Entry[] ring;
  private final long thresholdNanos;
  private int next;
  private long recorded;

  /** A ring of {@code capacity} requests slower than {@code threshold} (or degraded). */
  public SlowCompositions(int capacity, Duration threshold) {
    this.ring = new Entry[capacity];
    this.thresholdNanos = threshold.toNanos();
  }

  /** Whether a run of {@code nanos} with this result is worth keeping. */
  boolean wanted(long nanos, boolean degradedOrFailed) {
    return degradedOrFailed || nanos >= thresholdNanos;
  }

  /**
   * Keeps one request.
   *
   * @param begins  per part (declaration order), when it started ({@code System.nanoTime()}), 0 when it did not
   * @param ends    per part, when its outcome was known, 0 when it had none
   * @param result  {@code ok}, {@code degraded} or {@code failed}
   */
  void record(String endpoint, List<Part> parts, Map<String, Outcome> outcomes, long start, long end, long[] begins,
      long[] ends, String result) {
    PartTiming[] timings = new PartTiming[parts.size()];
    for (int i = 0; i < timings.length; i++) {
      Part p = parts.get(i);
      Outcome o = outcomes.get(p.name());
      long s = begins[i] == 0 ? -1 : (begins[i] - start) / 1000;
      long e = ends[i] == 0 ? -1 : (ends[i] - start) / 1000;
      timings[i] = new PartTiming(p.name(), s, e, PartLabels.result(o).label(), PartLabels.served(o, p).label());
    }
    Entry entry = new Entry(endpoint, System.currentTimeMillis(), (end - start) / 1000, result, List.of(timings));
    synchronized (this) {
      ring[next] = entry;
      next = (next + 1) % ring.length;
      recorded++;
    }
  }

  /** The kept requests, newest first, and the threshold. */
  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    long total;
    synchronized (this) {
      total = recorded;
      for (int k = 1; k <= ring.length; k++) {
        Entry e = ring[Math.floorMod(next - k, ring.length)];
        if (e == null) {
          break;
        }
        JsonArray parts = new JsonArray();
        for (PartTiming t : e.parts()) {
          parts.add(new JsonObject().put("part", t.part()).put("startMs", millis(t.startMicros()))
              .put("endMs", millis(t.endMicros())).put("outcome", t.outcome()).put("served", t.served()));
        }
        list.add(new JsonObject().put("endpoint", e.endpoint()).put("at", e.epochMillis())
            .put("ms", millis(e.micros())).put("result", e.result()).put("parts", parts));
      }
    }
    return new JsonObject().put("thresholdMs", thresholdNanos / 1_000_000).put("recorded", total)
        .put("requests", list);
  }

  private static Double millis(long micros) {
    return micros < 0 ? null : micros / 1000.0;
  }
}
