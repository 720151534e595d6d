package dev.bff.common.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The arithmetic of the in-memory buckets, on a clock moved by hand. */
class MemoryStoreTest {
  static final long MS = 1_000_000L;
  static final long S = 1_000 * MS;
  /** 2026-03-04T10:00:00Z: an arbitrary moment on a whole second. */
  static final long T0 = LocalDate.of(2026, 3, 4).atTime(10, 0).toEpochSecond(ZoneOffset.UTC) * S;

  final AtomicLong now = new AtomicLong(T0);
  final MemoryStore store = new MemoryStore(1000, now::get);
  final PolicyCounters counters = new PolicyCounters();

  Meter gcra(long burst, long perSecond) {
    return new Meter("p", "p", Meter.Kind.GCRA, burst, S / perSecond, counters, 1);
  }

  Verdict take(Meter m, String key) {
    return store.decide(List.of(new Check(m, key))).get(0);
  }

  @Test
  void gcraAdmitsTheBurstAtOnceThenOneRequestPerInterval() {
    Meter m = gcra(5, 10); // 10/s burst 5
    for (int i = 4; i >= 0; i--) {
      Verdict v = take(m, "k");
      assertThat(v.admitted()).isTrue();
      assertThat(v.remaining()).as("remaining decreases request by request").isEqualTo(i);
    }
    Verdict refused = take(m, "k");
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.retryNanos()).isEqualTo(100 * MS);
    assertThat(refused.resetNanos()).as("full again after 5 intervals").isEqualTo(500 * MS);
    now.addAndGet(99 * MS);
    assertThat(take(m, "k").admitted()).isFalse();
    now.addAndGet(MS);
    Verdict again = take(m, "k");
    assertThat(again.admitted()).isTrue();
    assertThat(again.remaining()).isZero();
    now.addAndGet(10 * S);
    assertThat(take(m, "k").remaining()).as("a quiet period refills up to the burst, no more").isEqualTo(4);
    assertThat(take(m, "other").remaining()).as("keys are independent").isEqualTo(4);
  }

  @Test
  void gcraAdmitsTheRateOverTime() {
    Meter m = gcra(10, 50);
    int admitted = 0;
    for (int i = 0; i <= 4000; i++) { // a request every millisecond from 0 to 4 s
      admitted += take(m, "k").admitted() ? 1 : 0;
      now.addAndGet(MS);
    }
    assertThat(admitted).isEqualTo(10 + 50 * 4);
  }

  @Test
  void slidingWindowWeighsThePreviousWindow() {
    Meter m = new Meter("s", "s", Meter.Kind.SLIDING, 10, S, counters, 1); // 10 per 1 s window
    for (int i = 0; i < 10; i++) {
      assertThat(take(m, "k").admitted()).isTrue();
    }
    Verdict full = take(m, "k");
    assertThat(full.admitted()).isFalse();
    assertThat(full.retryNanos()).as("in the next window, once 10 * (1 - f) + 1 <= 10: f >= 0.1")
        .isCloseTo(1100 * MS, within(1000L));
    now.addAndGet(S + 500 * MS); // half the next window: the previous 10 weigh 5
    for (int i = 0; i < 4; i++) {
      assertThat(take(m, "k").admitted()).isTrue();
    }
    Verdict v = take(m, "k");
    assertThat(v.admitted()).isTrue();
    assertThat(v.remaining()).isZero();
    Verdict refused = take(m, "k");
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.retryNanos()).as("once the previous window weighs 4: 10 * (1 - f) <= 4")
        .isCloseTo(100 * MS, within(1000L));
    now.addAndGet(100 * MS);
    assertThat(take(m, "k").admitted()).isTrue();
  }

  @Test
  void aDailyQuotaIsAFixedUtcDayAndItsRetryIsTheNextMidnight() {
    Meter m = new Meter("q", "q-quota", Meter.Kind.FIXED, 2, 86_400 * S, counters, 1);
    assertThat(take(m, "k").remaining()).isEqualTo(1);
    assertThat(take(m, "k").remaining()).isZero();
    Verdict refused = take(m, "k");
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.retryNanos()).as("10:00 to midnight UTC").isEqualTo(14 * 3600 * S);
    now.addAndGet(14 * 3600 * S - 1);
    assertThat(take(m, "k").admitted()).isFalse();
    now.addAndGet(1);
    assertThat(take(m, "k").admitted()).as("a new UTC day").isTrue();
  }

  @Test
  void aRequestRefusedByOneLimitCountsAgainstNone() {
    Meter wide = new Meter("wide", "wide", Meter.Kind.GCRA, 5, S, counters, 1);
    Meter narrow = new Meter("narrow", "narrow", Meter.Kind.GCRA, 2, S, new PolicyCounters(), 1);
    List<Check> both = List.of(new Check(wide, "w"), new Check(narrow, "n"));
    assertThat(store.decide(both)).allMatch(Verdict::admitted);
    assertThat(store.decide(both)).allMatch(Verdict::admitted);
    List<Verdict> refused = store.decide(both);
    assertThat(refused.get(1).admitted()).isFalse();
    assertThat(refused.get(0).admitted()).isTrue();
    assertThat(refused.get(0).remaining()).as("wide gave its token back").isEqualTo(3);
    assertThat(take(wide, "w").remaining()).isEqualTo(2);
  }

  @Test
  void aReplicasShareIsTheLimitDividedByReplicas() {
    Meter m = new Meter("p", "p", Meter.Kind.GCRA, 10, 100 * MS, counters, 2); // 10/s burst 10 over 2 replicas
    Meter local = m.local();
    assertThat(local.limit()).isEqualTo(5);
    assertThat(local.intervalNanos()).as("half the rate").isEqualTo(200 * MS);
    assertThat(local.policyItem()).isEqualTo("\"p\";q=5;w=1");
    assertThat(m.policyItem()).isEqualTo("\"p\";q=10;w=1");
  }

  @Test
  void idleBucketsExpireAndTheStoreStaysBounded() {
    Meter m = gcra(2, 1); // refilled 2 s after the last request
    for (int i = 0; i < 5000; i++) {
      take(m, "k" + i);
    }
    assertThat(store.size()).as("at most max-keys").isLessThanOrEqualTo(1000);
    now.addAndGet(3 * S);
    assertThat(store.size()).as("refilled buckets are forgotten").isZero();
  }

  @Test
  void concurrentEventLoopsNeverAdmitMoreThanTheBurst() throws Exception {
    Meter m = gcra(1000, 1); // no refill during the test
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicInteger admitted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      runs.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < 1000; i++) {
          if (store.decide(List.of(new Check(m, "k"), new Check(m, "k2"))).get(0).admitted()) {
            admitted.incrementAndGet();
          }
        }
        return null;
      }));
    }
    go.countDown();
    for (var r : runs) {
      r.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(admitted.get()).isEqualTo(1000);
  }
}
