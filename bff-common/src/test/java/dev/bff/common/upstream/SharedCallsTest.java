package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The rules of sharing one upstream call among identical callers. */
@ExtendWith(VertxExtension.class)
class SharedCallsTest {
  final SharedCalls shared = new SharedCalls();
  final AtomicInteger started = new AtomicInteger();
  final Promise<UpstreamResponse> upstream = Promise.promise();
  final Promise<Void> sharedCancelled = Promise.promise();

  private Future<UpstreamResponse> join(String key, Future<Void> cancel) {
    return shared.join(key, cancel, c -> {
      started.incrementAndGet();
      c.onComplete(v -> sharedCancelled.tryComplete());
      return upstream.future();
    });
  }

  private <T> T onContext(Vertx vertx, java.util.function.Supplier<T> work) {
    Promise<T> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> p.complete(work.get()));
    return p.future().await();
  }

  @Test
  void identicalCallsShareOneStartAndOneAnswer(Vertx vertx) {
    Future<UpstreamResponse> a = onContext(vertx, () -> join("/x", null));
    Future<UpstreamResponse> b = onContext(vertx, () -> join("/x", null));
    Future<UpstreamResponse> other = onContext(vertx, () -> join("/y", null));
    assertThat(started.get()).isEqualTo(2);
    UpstreamResponse r = new UpstreamResponse(200, HttpHeaders.headers(), Buffer.buffer("ok"));
    upstream.complete(r);
    assertThat(a.await()).isSameAs(r);
    assertThat(b.await()).isSameAs(r);
    assertThat(other.await()).isSameAs(r);
    assertThat(shared.size()).isZero();
    Promise<UpstreamResponse> next = Promise.promise();
    onContext(vertx, () -> shared.join("/x", null, c -> {
      started.incrementAndGet();
      return next.future();
    }));
    assertThat(started.get()).as("a finished call is not shared with later callers").isEqualTo(3);
  }

  @Test
  void theSharedCallIsCancelledOnlyWhenEveryCallerGaveUp(Vertx vertx) {
    Promise<Void> cancelA = Promise.promise();
    Promise<Void> cancelB = Promise.promise();
    onContext(vertx, () -> join("/x", cancelA.future()));
    onContext(vertx, () -> join("/x", cancelB.future()));
    cancelA.complete();
    assertThat(sharedCancelled.future().isComplete()).as("b still waits").isFalse();
    cancelB.complete();
    assertThat(sharedCancelled.future().isComplete()).isTrue();
  }
}
