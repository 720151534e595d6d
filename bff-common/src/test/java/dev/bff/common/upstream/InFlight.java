package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import io.vertx.core.Vertx;

/** Checks that the least-requests in-flight counts came back to zero once a test's requests are done. */
final class InFlight {
  private InFlight() {}

  /** Waits (bounded) until no instance of any upstream has a request in flight, else fails. */
  static void assertDrained(Vertx vertx, BffUnderTest bff) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (inFlight(bff) != 0 && System.nanoTime() - deadline < 0) {
      vertx.timer(20).await();
    }
    assertThat(bff.running().gateway().groups().values()).allSatisfy(g -> assertThat(g.instances())
        .as("in flight at %s", g.name()).allSatisfy(i -> assertThat(i.inFlight()).as(i.toString()).isZero()));
  }

  private static int inFlight(BffUnderTest bff) {
    return bff.running().gateway().groups().values().stream()
        .flatMap(g -> g.instances().stream()).mapToInt(Instance::inFlight).sum();
  }
}
