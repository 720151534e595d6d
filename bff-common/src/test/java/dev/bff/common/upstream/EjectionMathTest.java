package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.config.UpstreamConfig;
import dev.bff.common.testing.BffUnderTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link UpstreamGroup}'s outlier ejection with a clock moved by hand. */
class EjectionMathTest {
  // nanoTime may be any long, even negative; start just below zero to cross the sign on the way
  final AtomicLong now = new AtomicLong(-2_000_000_000L);

  private UpstreamGroup group(int instances, String outlier) {
    StringBuilder urls = new StringBuilder();
    for (int i = 0; i < instances; i++) {
      urls.append(i == 0 ? "" : ", ").append("\"http://127.0.0.1:").append(9000 + i).append('"');
    }
    UpstreamConfig c = BffUnderTest.parse("""
        upstreams:
          svc: { instances: [%s], outlier: %s }
        """.formatted(urls, outlier), Map.of()).upstreams().get("svc");
    return new UpstreamGroup(c, now::get);
  }

  private static void fail(UpstreamGroup g, Instance i, int times) {
    for (int k = 0; k < times; k++) {
      g.onFailure(i);
    }
  }

  /** How long {@code i} stays ejected from now on, to the nanosecond. */
  private Duration ejectedFor(Instance i) {
    long t = now.get();
    if (!i.ejected(t)) {
      return Duration.ZERO;
    }
    long lo = 0;
    long hi = Long.MAX_VALUE / 4;
    while (lo + 1 < hi) { // ejected at t + lo, not at t + hi
      long mid = lo + (hi - lo) / 2;
      if (i.ejected(t + mid)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Duration.ofNanos(hi);
  }

  @Test
  void failuresBelowTheThresholdOrInterruptedBySuccessDoNotEject() {
    UpstreamGroup g = group(2, "{ consecutive-failures: 3 }");
    Instance i = g.instances().get(0);
    fail(g, i, 2);
    g.onSuccess(i);
    fail(g, i, 2);
    assertThat(i.ejected(now.get())).isFalse();
    fail(g, i, 1);
    assertThat(i.ejected(now.get())).isTrue();
  }

  @Test
  void ejectionTimeDoublesOnEachEjectionUpToMaxEjection() {
    UpstreamGroup g = group(2, "{ consecutive-failures: 2, base-ejection: 1s, max-ejection: 5s }");
    Instance i = g.instances().get(0);
    List<Duration> expected = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
        Duration.ofSeconds(5), Duration.ofSeconds(5));
    for (Duration d : expected) {
      fail(g, i, 2);
      assertThat(ejectedFor(i)).isEqualTo(d);
      assertThat(g.pick()).isSameAs(g.instances().get(1));
      now.addAndGet(d.toNanos());
      assertThat(i.ejected(now.get())).isFalse();
    }
  }

  @Test
  void theEjectionTimeStartsAgainAtTheBaseAfterALongWellBehavedPeriod() {
    UpstreamGroup g = group(2, "{ consecutive-failures: 2, base-ejection: 1s, max-ejection: 5s }");
    Instance i = g.instances().get(0);
    fail(g, i, 2);
    now.addAndGet(1_000_000_000L);
    fail(g, i, 2);
    assertThat(ejectedFor(i)).isEqualTo(Duration.ofSeconds(2));
    now.addAndGet(2_000_000_000L + 4_000_000_000L); // back, then within max-ejection of the last one
    fail(g, i, 2);
    assertThat(ejectedFor(i)).as("still doubling").isEqualTo(Duration.ofSeconds(4));
    now.addAndGet(4_000_000_000L + 5_000_000_001L); // back, then longer than max-ejection without one
    fail(g, i, 2);
    assertThat(ejectedFor(i)).as("forgiven").isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void failuresWhileEjectedDoNotExtendTheEjection() {
    UpstreamGroup g = group(2, "{ consecutive-failures: 2, base-ejection: 1s }");
    Instance i = g.instances().get(0);
    fail(g, i, 2);
    now.addAndGet(500_000_000L);
    fail(g, i, 4); // answers of requests sent before the ejection
    assertThat(ejectedFor(i)).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void afterReadmissionItTakesAFullRunOfNewFailuresToEjectAgain() {
    UpstreamGroup g = group(2, "{ consecutive-failures: 3, base-ejection: 1s }");
    Instance i = g.instances().get(0);
    fail(g, i, 3);
    fail(g, i, 5); // answers of requests that were already in flight when it was ejected
    now.addAndGet(1_000_000_000L);
    fail(g, i, 2);
    assertThat(i.ejected(now.get())).as("ejected again by 2 failures after re-admission").isFalse();
    fail(g, i, 1);
    assertThat(ejectedFor(i)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void ejectionTimeStaysCappedAfterManyEjectionsOfALongBaseTime() {
    UpstreamGroup g = group(2, "{ consecutive-failures: 1, base-ejection: 3h, max-ejection: 24h }");
    Instance i = g.instances().get(0);
    for (int k = 0; k < 30; k++) {
      fail(g, i, 1);
      assertThat(ejectedFor(i)).as("ejection %d", k + 1)
          .isEqualTo(Duration.ofHours(Math.min(24, 3L << Math.min(k, 10))));
      now.addAndGet(Duration.ofHours(24).toNanos());
    }
  }

  @Test
  void maxEjectedPercentBoundsHowManyAreOutAtOnce() {
    UpstreamGroup g = group(4, "{ consecutive-failures: 1, base-ejection: 1s, max-ejected-percent: 50 }");
    List<Instance> all = g.instances();
    fail(g, all.get(0), 1);
    now.addAndGet(100_000_000L);
    fail(g, all.get(1), 1);
    fail(g, all.get(2), 1);
    assertThat(all).extracting(i -> i.ejected(now.get())).containsExactly(true, true, false, false);
    now.addAndGet(900_000_000L); // the first ejection ends, freeing its share
    fail(g, all.get(2), 1);
    assertThat(all).extracting(i -> i.ejected(now.get())).containsExactly(false, true, true, false);
  }

  @Test
  void zeroConsecutiveFailuresDisablesEjection() {
    UpstreamGroup g = group(2, "{ consecutive-failures: 0 }");
    Instance i = g.instances().get(0);
    fail(g, i, 100);
    assertThat(i.ejected(now.get())).isFalse();
  }
}
