package dev.bff.common.ratelimit;

import dev.bff.common.config.RateLimitConfig.OnStoreError;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides requests against a store, shared by all event loops, and counts every decision per policy.
 * With the in-memory store a decision is made on the spot. With a shared store that fails (Redis
 * unreachable, timing out or erroring) the request is decided as configured: {@code fail-open} by a
 * local in-memory limiter at each limit's {@link Meter#local() share}, {@code fail-closed} as
 * unavailable (503). The first failure and the recovery are logged once each; every failed call and
 * every decision made without the store is counted. While the store is down one request per second
 * asks it again (the others do not wait for a timeout), so decisions go back to it by themselves.
 */
public final class RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  private static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final MemoryStore memory;
  private final LimitStore shared;
  private final MemoryStore fallback;
  private final OnStoreError onError;
  private final int replicas;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicLong nextProbe = new AtomicLong();
  private final LongAdder outages = new LongAdder();

  private RateLimiter(MemoryStore memory, LimitStore shared, MemoryStore fallback, OnStoreError onError, int replicas) {
    this.memory = memory;
    this.shared = shared;
    this.fallback = fallback;
    this.onError = onError;
    this.replicas = replicas;
  }

  /** Decides in this process's memory only. */
  public static RateLimiter inMemory(MemoryStore memory) {
    return new RateLimiter(memory, null, null, OnStoreError.FAIL_OPEN, 1);
  }

  /** Decides in {@code shared}; while it fails, as {@code onError} says ({@code fallback} decides when failing open). */
  public static RateLimiter shared(LimitStore shared, MemoryStore fallback, OnStoreError onError, int replicas) {
    return new RateLimiter(null, shared, fallback, onError, replicas);
  }

  /** Decides one request; the future never fails (a failing store is an outcome, not an error). */
  public Future<Decision> decide(List<Check> checks) {
    if (memory != null) {
      return Future.succeededFuture(judged(checks, memory.decide(checks), false));
    }
    if (down.get() && !probeDue()) {
      return Future.succeededFuture(withoutStore(checks));
    }
    return shared.acquire(checks).transform(ar -> {
      if (ar.succeeded()) {
        if (down.compareAndSet(true, false)) {
          LOG.info("rate limits: {} answers again; decisions are shared again", shared);
        }
        return Future.succeededFuture(judged(checks, ar.result(), false));
      }
      failed(ar.cause(), checks);
      return Future.succeededFuture(withoutStore(checks));
    });
  }

  /** Whether the shared store answered the last time it was asked (always true in memory). */
  public boolean storeAvailable() {
    return !down.get();
  }

  /** How many times the shared store went from answering to failing. */
  public long outages() {
    return outages.sum();
  }

  private boolean probeDue() {
    long now = System.nanoTime();
    long at = nextProbe.get();
    return now - at >= 0 && nextProbe.compareAndSet(at, now + PROBE_NANOS);
  }

  private void failed(Throwable cause, List<Check> checks) {
    forEachPolicy(checks, c -> c.storeErrors.increment());
    if (down.compareAndSet(false, true)) {
      nextProbe.set(System.nanoTime() + PROBE_NANOS);
      outages.increment();
      LOG.warn("rate limits: {} failed ({}); until it answers again requests are {}", shared,
          String.valueOf(cause.getMessage()), onError == OnStoreError.FAIL_OPEN
              ? "decided by this replica alone at limit/" + replicas + " (fail-open)"
              : "refused with 503 (fail-closed)");
    }
  }

  private Decision withoutStore(List<Check> checks) {
    if (onError == OnStoreError.FAIL_CLOSED) {
      forEachPolicy(checks, c -> c.unavailable.increment());
      return new Decision(Decision.Outcome.UNAVAILABLE, checks, List.of(), false);
    }
    List<Check> local = new ArrayList<>(checks.size());
    for (Check c : checks) {
      local.add(new Check(c.meter().local(), c.key()));
    }
    forEachPolicy(checks, c -> c.fallbackDecisions.increment());
    return judged(local, fallback.decide(local), true);
  }

  private static Decision judged(List<Check> checks, List<Verdict> verdicts, boolean local) {
    boolean admitted = true;
    for (Verdict v : verdicts) {
      admitted &= v.admitted();
    }
    PolicyCounters group = null;
    boolean refused = false;
    for (int i = 0; i <= checks.size(); i++) { // per policy: allowed, or limited when one of its limits refused
      PolicyCounters c = i < checks.size() ? checks.get(i).meter().counters : null;
      if (c != group) {
        if (group != null && (admitted || refused)) {
          (admitted ? group.allowed : group.limited).increment();
        }
        group = c;
        refused = false;
      }
      refused |= i < checks.size() && !verdicts.get(i).admitted();
    }
    return new Decision(admitted ? Decision.Outcome.ADMITTED : Decision.Outcome.LIMITED, checks, verdicts, local);
  }

  /** Runs {@code f} once per policy of {@code checks} (a policy's checks are next to each other). */
  private static void forEachPolicy(List<Check> checks, java.util.function.Consumer<PolicyCounters> f) {
    PolicyCounters last = null;
    for (Check c : checks) {
      if (c.meter().counters != last) {
        last = c.meter().counters;
        f.accept(last);
      }
    }
  }

  @Override
  public String toString() {
    return memory != null ? memory.toString() : shared + " on-store-error "
        + (onError == OnStoreError.FAIL_OPEN ? "fail-open (local limit/" + replicas + ")" : "fail-closed");
  }
}
