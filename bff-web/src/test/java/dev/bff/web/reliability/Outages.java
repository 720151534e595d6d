package dev.bff.web.reliability;

import dev.bff.web.reliability.MixedLoad.Kind;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The outages of the scenario, each under the load and each expected to cost no request at all: a
 * catalog instance removed and added back, Redis killed and restarted, a replica killed with SIGKILL
 * and restarted, and configuration reloads on both replicas.
 */
final class Outages {
  /** How long a restarted replica may be slow enough for composed endpoints' deadlines to pass. */
  static final Duration COLD = Duration.ofSeconds(10);
  private final Scenario sc;
  private final Stack st;
  private final Profile p;

  Outages(Scenario sc) {
    this.sc = sc;
    this.st = sc.st;
    this.p = sc.p;
  }

  private Outcome begin(String name, String injected, String expected) {
    return sc.begin(name, injected, expected);
  }

  /** The second catalog instance stops (its connections close) and comes back on the same port. */
  void catalogInstance() throws InterruptedException {
    Outcome o = begin("catalog instance removed and added back", "the second of the two catalog instances "
        + "stopped for " + p.hold().toSeconds() + " s, then started again on its port",
        "no request fails (refused or reset calls are retried on the other instance); health checks and outlier "
        + "ejection take the instance out of rotation and bring it back");
    double[] retries = sc.both("bff_upstream_retries_total", "upstream", "catalog");
    st.stopCatalogB();
    long hidden = sc.untilBoth(p.hold().plusSeconds(10), s -> available(s) == 1);
    long left = p.hold().toMillis() - Math.max(0, hidden);
    Thread.sleep(Math.max(0, left));
    st.startCatalogB();
    long restarted = sc.load.nowMs();
    long back = sc.untilBoth(Duration.ofSeconds(30), s -> available(s) == 2);
    sc.end(o);
    double[] after = sc.both("bff_upstream_retries_total", "upstream", "catalog");
    o.saw("out of rotation on both replicas " + hidden + " ms after it stopped; back in rotation " + back
        + " ms after it started again");
    o.saw("catalog retries: replica a " + (long) (after[0] - retries[0]) + ", replica b "
        + (long) (after[1] - retries[1]));
    o.check(hidden >= 0, "the stopped instance was still in rotation after " + p.hold().plusSeconds(10));
    o.check(back >= 0, "the instance was not back in rotation 30 s after it started again");
    o.saw("instance restarted at " + restarted + " ms");
    Scenario.sleep(p.recover());
  }

  private static double available(dev.bff.common.testing.Scrape s) {
    return s.value("bff_upstream_instances", "upstream", "catalog", "state", "available");
  }

  /** Redis is killed (the cache and the rate limits lose their store) and started again, empty. */
  void redis() throws InterruptedException {
    Outcome o = begin("Redis killed and restarted", "redis-server killed (SIGKILL) for " + p.hold().toSeconds()
        + " s, then started again empty", "no request fails and none is limited: rate limits fail open (each "
        + "replica decides alone at half the limit), the cached route answers X-Cache: BYPASS from the catalog; "
        + "after the restart the stores come back by themselves and the cache fills again (HIT)");
    double[] fallback = sc.both("bff_rate_limit_fallback_decisions_total", "policy", "visitor");
    st.redis.stop();
    long down = sc.untilBoth(p.hold().plusSeconds(10), s -> s.value("bff_rate_limit_store_up") == 0
        && s.value("bff_cache_store_up") == 0);
    Thread.sleep(Math.max(0, p.hold().toMillis() - Math.max(0, down)));
    long killedUntil = sc.load.nowMs();
    st.redis.restart();
    long up = sc.untilBoth(Duration.ofSeconds(30), s -> s.value("bff_rate_limit_store_up") == 1
        && s.value("bff_cache_store_up") == 1);
    sc.end(o);
    double[] fallbackAfter = sc.both("bff_rate_limit_fallback_decisions_total", "policy", "visitor");
    o.saw("both stores seen down " + down + " ms after the kill; up again " + up + " ms after the restart");
    o.saw("rate-limit decisions made without Redis: replica a " + (long) (fallbackAfter[0] - fallback[0])
        + ", replica b " + (long) (fallbackAfter[1] - fallback[1]));
    o.check(down >= 0, "the replicas did not report the stores down");
    o.check(up >= 0, "the replicas did not report the stores up again within 30 s of the restart");
    o.check(fallbackAfter[0] > fallback[0] && fallbackAfter[1] > fallback[1],
        "a replica made no rate-limit decision without Redis");
    long from = o.fromMs + Scenario.EDGE_MS;
    long to = killedUntil;
    long refilled = o.toMs + 2_000;
    o.after(s -> {
      int[] cached = s.select(from, to, i -> s.kind(i) == Kind.CACHED && s.endMs(i) <= to);
      int bypass = Samples.count(cached, i -> s.has(i, Samples.CACHE_BYPASS));
      int[] later = s.select(refilled, refilled + 10_000, i -> s.kind(i) == Kind.CACHED);
      int hits = Samples.count(later, i -> s.has(i, Samples.CACHE_HIT));
      o.saw(cached.length + " cached-route requests sent and answered while Redis was down: X-Cache " + s.cacheStates(cached)
          + ", statuses " + s.statuses(cached) + "; after the restart " + hits + " of " + later.length + " were HITs");
      o.check(cached.length > 0 && bypass == cached.length, "not every cached-route answer during the outage was a "
          + "BYPASS (" + bypass + " of " + cached.length + ")");
      o.check(hits > 0, "the cache did not serve HITs again after Redis came back");
    });
    Scenario.sleep(p.recover());
  }

  /** Replica b dies with SIGKILL and is started again; nginx sends its share to replica a meanwhile. */
  void replicaKilled() throws InterruptedException {
    Outcome o = begin("replica killed and restarted", "replica b killed with SIGKILL (no drain), down for "
        + p.hold().toSeconds() + " s, then started again on its ports",
        "no request fails: nginx retries the GETs that were on replica b, or could not connect to it, on replica "
        + "a (proxy_next_upstream error timeout); replica b takes traffic again once it listens. The restarted JVM "
        + "is cold: for its first " + COLD.toSeconds() + " s of traffic its composed endpoints (the product page, "
        + "/api/me) may answer 504 when their deadlines pass; nothing else");
    long pid = st.b.pid();
    long linesBefore = nginxFailures();
    st.b.kill();
    Thread.sleep(p.hold().toMillis());
    long startAt = System.nanoTime();
    st.b.restart();
    long startedMs = (System.nanoTime() - startAt) / 1_000_000;
    long serving = -1;
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos()) {
      if (st.b.scrape().value("bff_request_duration_seconds_count") > 0) {
        serving = (System.nanoTime() - t0) / 1_000_000;
        break;
      }
      Thread.sleep(100);
    }
    sc.end(o);
    long servingFrom = o.toMs - Scenario.EDGE_MS;
    for (Kind k : new Kind[] {Kind.DETAILS, Kind.AUTH}) {
      sc.allowances.add(new Allowance(servingFrom, servingFrom + COLD.toMillis(), k, -1, java.util.Set.of(504),
          "replica b restarted cold"));
    }
    o.after(s -> {
      int[] cold = s.select(servingFrom, servingFrom + COLD.toMillis(), i -> s.status(i) == 504);
      o.saw(cold.length + " answers 504 from composed endpoints in the first " + COLD.toSeconds()
          + " s of the restarted replica's traffic (deadlines passed in a cold JVM)");
    });
    long refused = nginxFailures() - linesBefore;
    o.saw("pid " + pid + " killed; the new process (pid " + st.b.pid() + ") listened after " + startedMs
        + " ms and was sent requests by nginx " + serving + " ms later");
    o.saw(refused + " nginx error-log lines about the dead replica (connect failed / closed), each a request "
        + "nginx passed to the other replica");
    o.check(serving >= 0, "nginx sent no request to the restarted replica within 30 s");
    Scenario.sleep(p.recover());
  }

  private long nginxFailures() {
    return st.lb.errorLog().lines().filter(l -> l.contains("failed") || l.contains("prematurely")).count();
  }

  /** Both replicas reload their configuration again and again, alternating between two that differ. */
  void reloads() throws Exception {
    Outcome o = begin("configuration reloads", p.reloads() + " reloads on each replica (POST /admin/reload) "
        + "over " + p.hold().toSeconds() + " s, alternating two files that differ in a route, an upstream's "
        + "timeout and a rate", "every reload answers 200 reloaded; the version goes up by one each time; no "
        + "request fails");
    double[] before = sc.both("bff_config_version");
    int reloaded = 0;
    java.util.List<Long> took = new java.util.ArrayList<>();
    long pause = p.hold().toMillis() / p.reloads();
    for (int i = 0; i < p.reloads(); i++) {
      for (Replica r : new Replica[] {st.a, st.b}) {
        Scenario.write(r, i % 2 == 0 ? (r == st.a ? st.yamlA : st.yamlB).variant()
            : (r == st.a ? st.yamlA : st.yamlB).text());
        Replica.Answer a = r.admin("POST", "/admin/reload");
        String status = a.status() == 200 ? new JsonObject(a.body()).getString("status") : a.body();
        if (a.status() == 200 && "reloaded".equals(status)) {
          reloaded++;
          took.add(new JsonObject(a.body()).getLong("took-ms", -1L));
        } else {
          o.problems.add("replica " + r.name() + " reload " + (i + 1) + " answered " + a.status() + ": " + status);
        }
      }
      Thread.sleep(pause);
    }
    sc.end(o);
    double[] after = sc.both("bff_config_version");
    o.saw(reloaded + " of " + 2 * p.reloads() + " reloads answered 200 reloaded; config version a " + (long) before[0]
        + " -> " + (long) after[0] + ", b " + (long) before[1] + " -> " + (long) after[1]);
    took.sort(null);
    o.saw("each reload took (took-ms) " + (took.isEmpty() ? "-" : took.get(0) + "-" + took.get(took.size() - 1)
        + " ms, median " + took.get(took.size() / 2) + " ms"));
    o.check(after[0] - before[0] == p.reloads() && after[1] - before[1] == p.reloads(),
        "the configuration versions did not go up by one per reload");
    Scenario.sleep(p.recover());
  }
}
