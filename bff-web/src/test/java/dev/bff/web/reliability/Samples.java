package dev.bff.web.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Every request of a load run, compactly (a 10-minute run at 1,000 req/s is 600,000 of them): when it
 * was due and when it was sent, its kind and resource id, its status (-1 when no answer came: reset, refused, timed out)
 * and latency, and what its answer said ({@code BFF-Degraded}, {@code X-Cache}). Filled from one
 * event loop; read after the load stopped.
 */
final class Samples {
  static final int DEGRADED = 1;
  static final int CACHE_HIT = 2;
  static final int CACHE_MISS = 4;
  static final int CACHE_BYPASS = 8;
  static final int CACHE_STALE = 16;
  /** The parts of the product page, in the order of the bits of {@link #degradedParts}. */
  static final List<String> PARTS = List.of("product", "reviews", "rating", "inventory", "shipping", "recommendations",
      "related");

  private int size;
  private int[] startMs = new int[1 << 16];
  private int[] sentMs = new int[1 << 16];
  private int[] latencyUs = new int[1 << 16];
  private short[] status = new short[1 << 16];
  private byte[] kind = new byte[1 << 16];
  private short[] id = new short[1 << 16];
  private byte[] flags = new byte[1 << 16];
  private byte[] parts = new byte[1 << 16];
  private final Map<String, Integer> errors = new TreeMap<>();

  void add(int started, int sent, MixedLoad.Kind k, int resource, int code, int micros, int f, int degraded,
      String error) {
    if (size == startMs.length) {
      int n = size * 2;
      startMs = Arrays.copyOf(startMs, n);
      sentMs = Arrays.copyOf(sentMs, n);
      latencyUs = Arrays.copyOf(latencyUs, n);
      status = Arrays.copyOf(status, n);
      kind = Arrays.copyOf(kind, n);
      id = Arrays.copyOf(id, n);
      flags = Arrays.copyOf(flags, n);
      parts = Arrays.copyOf(parts, n);
    }
    startMs[size] = started;
    sentMs[size] = sent;
    latencyUs[size] = micros;
    status[size] = (short) code;
    kind[size] = (byte) k.ordinal();
    id[size] = (short) resource;
    flags[size] = (byte) f;
    parts[size] = (byte) degraded;
    size++;
    if (error != null) {
      errors.merge(k.label + " " + error, 1, Integer::sum);
    }
  }

  int size() {
    return size;
  }

  int startMs(int i) {
    return startMs[i];
  }

  /** When the request left for the gateway (it had a connection); its start when it never did. */
  int sentMs(int i) {
    return sentMs[i];
  }

  /** When the answer (or the failure) came, in ms of the load's time base. */
  long endMs(int i) {
    return startMs[i] + latencyUs[i] / 1000;
  }

  int status(int i) {
    return status[i];
  }

  MixedLoad.Kind kind(int i) {
    return MixedLoad.Kind.values()[kind[i]];
  }

  int id(int i) {
    return id[i];
  }

  boolean has(int i, int flag) {
    return (flags[i] & flag) != 0;
  }

  /** Whether the answer's {@code BFF-Degraded} names {@code part}. */
  boolean degraded(int i, String part) {
    return (parts[i] & 1 << PARTS.indexOf(part)) != 0;
  }

  /** The bits of {@link #PARTS} named in a {@code BFF-Degraded} value ({@code reviews=timeout, rating=error}). */
  static int parts(String header) {
    int bits = 0;
    if (header != null) {
      for (String item : header.split(",")) {
        int k = PARTS.indexOf(item.split("=", 2)[0].trim());
        if (k >= 0) {
          bits |= 1 << k;
        }
      }
    }
    return bits;
  }

  double latencyMs(int i) {
    return latencyUs[i] / 1000.0;
  }

  /** Why requests got no answer, with counts. */
  Map<String, Integer> errors() {
    return errors;
  }

  /**
   * The indexes of the samples sent in {@code [fromMs, toMs)} that pass {@code filter}. By when they
   * were sent, not scheduled: a request that waited for a connection meets the gateway later.
   */
  int[] select(long fromMs, long toMs, IntPredicate filter) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (sentMs[i] >= fromMs && sentMs[i] < toMs && filter.test(i)) {
        out.add(i);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Status counts of {@code which} (-1: no answer). */
  Map<Integer, Integer> statuses(int[] which) {
    Map<Integer, Integer> out = new TreeMap<>();
    for (int i : which) {
      out.merge((int) status[i], 1, Integer::sum);
    }
    return out;
  }

  /** The {@code p}-th percentile (0-100) of the latencies of {@code which}, in ms; NaN when empty. */
  double percentile(int[] which, double p) {
    if (which.length == 0) {
      return Double.NaN;
    }
    int[] l = new int[which.length];
    for (int j = 0; j < which.length; j++) {
      l[j] = latencyUs[which[j]];
    }
    Arrays.sort(l);
    int k = (int) Math.ceil(p / 100.0 * l.length) - 1;
    return l[Math.max(0, Math.min(l.length - 1, k))] / 1000.0;
  }

  /** What {@code X-Cache} said to {@code which}: HIT, MISS, BYPASS, STALE or none, with counts. */
  Map<String, Integer> cacheStates(int[] which) {
    Map<String, Integer> out = new TreeMap<>();
    for (int i : which) {
      String state = has(i, CACHE_HIT) ? "HIT" : has(i, CACHE_MISS) ? "MISS" : has(i, CACHE_BYPASS) ? "BYPASS"
          : has(i, CACHE_STALE) ? "STALE" : "none";
      out.merge(state, 1, Integer::sum);
    }
    return out;
  }

  /** How many of {@code which} pass {@code test}. */
  static int count(int[] which, IntPredicate test) {
    int n = 0;
    for (int i : which) {
      if (test.test(i)) {
        n++;
      }
    }
    return n;
  }
}
