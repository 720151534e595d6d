package dev.bff.common.upstream;

import dev.bff.common.config.UpstreamConfig;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Picks one of the available instances of an upstream for a request. */
@FunctionalInterface
public interface Balancer {
  /** Picks one of {@code candidates} (never empty). */
  Instance pick(Instance[] candidates, int count);

  /** The balancer for a configured strategy. */
  static Balancer of(UpstreamConfig.Balancer kind) {
    return switch (kind) {
      case ROUND_ROBIN -> roundRobin();
      case LEAST_REQUESTS -> leastRequests();
    };
  }

  /** Each instance in turn (one shared counter for all event loops). */
  static Balancer roundRobin() {
    AtomicInteger next = new AtomicInteger();
    return (c, n) -> c[Math.floorMod(next.getAndIncrement(), n)];
  }

  /** Power of two choices: of two distinct random instances, the one with fewer requests in flight. */
  static Balancer leastRequests() {
    return (c, n) -> {
      if (n == 1) {
        return c[0];
      }
      ThreadLocalRandom r = ThreadLocalRandom.current();
      int a = r.nextInt(n);
      int b = r.nextInt(n - 1);
      if (b >= a) {
        b++;
      }
      return c[b].inFlight() < c[a].inFlight() ? c[b] : c[a];
    };
  }
}
