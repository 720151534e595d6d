package dev.bff.web.reliability;

import dev.bff.common.testing.Scrape;
import dev.bff.demo.FaultRule;
import dev.bff.web.reliability.MixedLoad.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The reliability scenario: the mixed load held through the whole run against two replicas behind
 * nginx, with one fault after another injected under it, then bad input and slow clients, and memory
 * sampled at the start, the middle and the end. Each step records what it injected, expected and saw
 * ({@link Outcome}); the statuses the load may get because of a fault are declared as
 * {@link Allowance}s, and every other answer must be 200. The same code runs the short and the full
 * form; only the {@link Profile} differs.
 */
final class Scenario {
  /** How long after a catalog fault a shared catalog call can still fail: its response-timeout. */
  static final long SHARED_CALL_TAIL_MS = 2_000;
  /** Margin after a fault begins before requests are held to its expected effect. */
  static final long EDGE_MS = 1_000;

  final Stack st;
  final Profile p;
  final List<Outcome> outcomes = new ArrayList<>();
  final List<Allowance> allowances = new ArrayList<>();
  final Memory memory;
  final BadInput badInput;
  MixedLoad load;
  Samples samples;
  long[] steadyStart = new long[2];
  long[] steadyEnd = new long[2];
  long warmupEndMs;
  long settleMs;

  Scenario(Stack st) {
    this.st = st;
    this.p = st.profile;
    this.memory = new Memory(st);
    this.badInput = new BadInput(this);
  }

  /** Runs every step under load; the samples and outcomes are kept for {@link Verdict}. */
  void run() throws Exception {
    load = MixedLoad.start(st.lb.port(), p.rate(), p.connections(), p.warmup(), st.tokens);
    try {
      sleep(p.warmup());
      settle();
      allowances.add(new Allowance(0, warmupEndMs, null, -1, Set.of(503, 504), "warm-up (deadlines of cold "
          + "JVMs under the rising load)"));
      memory.sample("start (after warm-up)");
      steady(0);
      partFault("slow services", "inventory over gRPC (GetStock) and recommendations answer after 1 s, above "
          + "their part timeouts (300 ms)", Map.of("inventory-grpc", FaultRule.on("/demo.inventory.v1.Inventory/GetStock")
          .withLatency(1000), "recommendations", FaultRule.on("*").withLatency(1000)), -1, 0, "inventory",
          "recommendations");
      partFault("hanging services", "reviews never answers; the catalog (both instances) never answers "
          + "/products/7", Map.of("reviews", FaultRule.on("*").withHang(), "catalog",
          FaultRule.on("/products/7").withHang()), 7, 504, "reviews");
      partFault("resetting services", "shipping resets every connection; the catalog (both instances) resets "
          + "/products/9", Map.of("shipping", FaultRule.on("*").withReset(), "catalog",
          FaultRule.on("/products/9").withReset()), 9, 502, "shipping");
      memory.sample("middle");
      Outages outages = new Outages(this);
      outages.catalogInstance();
      outages.redis();
      outages.replicaKilled();
      outages.reloads();
      badInput.run();
      steady(1);
      memory.sample("end");
    } finally {
      samples = load.stop();
      load.close();
    }
    outcomes.forEach(o -> o.finish(samples));
  }

  /**
   * Waits after the warm-up until the stack keeps up with the load (at most 50 ms of requests in
   * flight, for a second): on a busy machine a cold stack may fall behind first, and faults injected
   * while a backlog drains would meet requests sent long before.
   */
  private void settle() throws InterruptedException {
    long limit = Math.max(10, p.rate() / 20);
    long start = System.nanoTime();
    int calm = 0;
    while (calm < 10) {
      if (System.nanoTime() - start > Duration.ofSeconds(120).toNanos()) {
        throw new IllegalStateException("the stack did not keep up with " + p.rate() + " req/s: "
            + load.inFlight() + " requests in flight 120 s after the warm-up");
      }
      calm = load.inFlight() <= limit ? calm + 1 : 0;
      Thread.sleep(100);
    }
    settleMs = (System.nanoTime() - start) / 1_000_000;
    warmupEndMs = load.nowMs();
  }

  private void steady(int k) throws InterruptedException {
    steadyStart[k] = load.nowMs();
    sleep(p.steady());
    steadyEnd[k] = load.nowMs();
  }

  /**
   * Faults some services for {@link Profile#hold}: optional parts of the product page must degrade it
   * (200 with {@code BFF-Degraded} naming {@code parts}), and when the catalog is faulted on
   * {@code /products/<faultedId>}, that product's pass-through and page get {@code status} and nothing
   * else fails.
   */
  private void partFault(String name, String injected, Map<String, FaultRule> rules, int faultedId, int status,
      String... parts) throws InterruptedException {
    String expected = "product pages 200 with BFF-Degraded naming " + String.join(" and ", parts)
        + (faultedId < 0 ? "" : "; /api/products/" + faultedId + " and /api/product-details/" + faultedId + " get "
        + status + ", no other request fails");
    Outcome o = begin(name, injected, expected);
    rules.forEach((service, rule) -> st.faults(service).forEach(f -> f.add(rule)));
    sleep(p.hold());
    rules.keySet().forEach(service -> st.faults(service).forEach(f -> f.clear()));
    end(o);
    long from = o.fromMs;
    long to = o.toMs;
    if (faultedId > 0) {
      allowances.add(new Allowance(from, to, Kind.PASS, faultedId, Set.of(status), name));
      // a product page may share the catalog call of one sent during the fault (identical GETs in flight
      // are made once), which fails up to the catalog's response timeout later
      allowances.add(new Allowance(from, to + SHARED_CALL_TAIL_MS, Kind.DETAILS, faultedId, Set.of(status), name));
    }
    o.after(s -> {
      // pages wholly inside the fault: sent after it began (plus a margin), answered before it ended
      int[] pages = s.select(from + EDGE_MS, to, i -> s.kind(i) == Kind.DETAILS && s.id(i) != faultedId
          && s.endMs(i) <= to);
      int degraded = Samples.count(pages, i -> s.status(i) == 200 && List.of(parts).stream()
          .allMatch(part -> s.degraded(i, part)));
      o.saw(pages.length + " product pages sent and answered within the fault: " + degraded
          + " answered 200 with BFF-Degraded naming " + String.join(", ", parts) + "; statuses " + s.statuses(pages));
      o.check(pages.length > 0, "no product page was sent and answered during the fault");
      o.check(degraded == pages.length, (pages.length - degraded) + " product pages were not degraded as expected");
      if (faultedId > 0) {
        for (Kind k : List.of(Kind.PASS, Kind.DETAILS)) {
          // the faulted resource: the fault's status, or 200 only for a request that got there after it ended
          int[] hit = s.select(from + EDGE_MS, to, i -> s.kind(i) == k && s.id(i) == faultedId);
          int faulted = Samples.count(hit, i -> s.status(i) == status);
          int late = Samples.count(hit, i -> s.status(i) == 200 && s.endMs(i) > to);
          o.saw(k.label.split(" ")[1].replace(":id", String.valueOf(faultedId)) + ": " + s.statuses(hit)
              + (late > 0 ? " (" + late + " answered 200 after the fault ended)" : ""));
          o.check(faulted > 0 && faulted + late == hit.length, k.label + " for id " + faultedId + ": expected "
              + status + " while the fault was in place, got " + s.statuses(hit));
        }
      }
    });
    sleep(p.recover());
  }

  /** Starts recording a step: its outcome, its start on the load's clock, the gateway's counters. */
  Outcome begin(String name, String injected, String expected) {
    Outcome o = new Outcome(name, injected, expected);
    outcomes.add(o);
    System.out.println("[reliability] " + java.time.LocalTime.now() + " " + name + ": " + injected);
    o.fromMs = load.nowMs();
    o.counters = Counters.take(st);
    return o;
  }

  /** Ends a step: its end on the load's clock, what the gateway counted meanwhile, and the load's figures. */
  void end(Outcome o) {
    o.toMs = load.nowMs();
    o.saw("the gateway counted meanwhile (both replicas): " + Counters.take(st).since(o.counters));
    long from = o.fromMs;
    long to = o.toMs;
    o.after(s -> {
      int[] all = s.select(from, to, i -> true);
      o.saw(String.format("load sent in the window: %d requests, statuses %s, latency p50 %.1f ms, p99 %.1f ms",
          all.length, s.statuses(all), s.percentile(all, 50), s.percentile(all, 99)));
    });
  }

  /** Values of one series on both replicas. */
  double[] both(String metric, String... labels) {
    return new double[] {st.a.scrape().value(metric, labels), st.b.scrape().value(metric, labels)};
  }

  /** Polls until {@code test} holds for both replicas' scrapes; how long it took, or -1 after {@code timeout}. */
  long untilBoth(Duration timeout, Predicate<Scrape> test) throws InterruptedException {
    long start = System.nanoTime();
    while (System.nanoTime() - start < timeout.toNanos()) {
      if (test.test(st.a.scrape()) && test.test(st.b.scrape())) {
        return (System.nanoTime() - start) / 1_000_000;
      }
      Thread.sleep(100);
    }
    return -1;
  }

  static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  /** Writes {@code text} to the configuration file a replica reloads. */
  static void write(Replica r, String text) throws IOException {
    Files.writeString(r.configFile(), text);
  }
}
