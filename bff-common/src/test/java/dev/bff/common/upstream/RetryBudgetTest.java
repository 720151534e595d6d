package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link RetryBudget} with a clock moved by hand. */
class RetryBudgetTest {
  static final long MS = 1_000_000L;
  final AtomicLong now = new AtomicLong(-500 * MS); // nanoTime may be negative

  private static int retriesAllowed(RetryBudget b) {
    int n = 0;
    while (n < 10_000 && b.tryRetry()) {
      n++;
    }
    return n;
  }

  private static void requests(RetryBudget b, int n) {
    for (int i = 0; i < n; i++) {
      b.onRequest();
    }
  }

  @Test
  void withFewRequestsTheFloorApplies() {
    RetryBudget b = new RetryBudget(0.2, 3, now::get);
    requests(b, 5);
    assertThat(retriesAllowed(b)).isEqualTo(3);
  }

  @Test
  void withManyRequestsTheRatioApplies() {
    RetryBudget b = new RetryBudget(0.2, 3, now::get);
    requests(b, 100);
    assertThat(retriesAllowed(b)).isEqualTo(20);
    requests(b, 50); // more requests in the same second earn more retries
    assertThat(retriesAllowed(b)).isEqualTo(10);
  }

  @Test
  void theBudgetRefillsAfterASecond() {
    RetryBudget b = new RetryBudget(0.5, 1, now::get);
    requests(b, 10);
    assertThat(retriesAllowed(b)).isEqualTo(5);
    now.addAndGet(999 * MS);
    assertThat(b.tryRetry()).as("same second").isFalse();
    now.addAndGet(MS);
    requests(b, 4);
    assertThat(retriesAllowed(b)).as("a new second counts only its own requests").isEqualTo(2);
  }

  @Test
  void aZeroRatioAndZeroFloorAllowNoRetries() {
    RetryBudget b = new RetryBudget(0, 0, now::get);
    requests(b, 1000);
    assertThat(b.tryRetry()).isFalse();
  }

  @Test
  void aZeroRatioStillAllowsTheFloor() {
    RetryBudget b = new RetryBudget(0, 2, now::get);
    requests(b, 1000);
    assertThat(retriesAllowed(b)).isEqualTo(2);
  }
}
