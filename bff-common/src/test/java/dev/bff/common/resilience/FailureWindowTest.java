package dev.bff.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The sliding window of a circuit breaker, on a clock moved by hand. */
class FailureWindowTest {
  final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  final FailureWindow w = new FailureWindow(10_000_000_000L, now::get); // 10 s in ten 1 s buckets

  private void advanceMillis(long ms) {
    now.addAndGet(ms * 1_000_000);
  }

  @Test
  void countsCallsAndFailuresInTheWindow() {
    w.record(false);
    w.record(true);
    advanceMillis(3_000);
    w.record(true);
    assertThat(w.calls()).isEqualTo(3);
    assertThat(w.failures()).isEqualTo(2);
  }

  @Test
  void forgetsWhatIsOlderThanTheWindow() {
    w.record(true);
    advanceMillis(5_000);
    w.record(true);
    advanceMillis(5_500); // the first failure is now 10.5 s old
    assertThat(w.failures()).isEqualTo(1);
    advanceMillis(5_000);
    assertThat(w.failures()).isZero();
    assertThat(w.calls()).isZero();
  }

  @Test
  void aBucketReusedAfterATurnOfTheRingStartsEmpty() {
    w.record(true);
    advanceMillis(20_000); // same ring slot, two turns later
    w.record(false);
    assertThat(w.calls()).isEqualTo(1);
    assertThat(w.failures()).isZero();
  }

  @Test
  void clearForgetsEverything() {
    w.record(true);
    w.record(true);
    w.clear();
    assertThat(w.calls()).isZero();
    w.record(false);
    assertThat(w.calls()).isEqualTo(1);
  }
}
