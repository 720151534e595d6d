package dev.bff.common.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A miss streams to the client as it arrives (the copy never holds it back); only complete answers are stored. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class CacheStreamingTest {
  static final Duration WAIT = Duration.ofSeconds(15);

  Vertx vertx;
  FakeUpstream svc;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    svc = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${SVC}"], retry: { attempts: 0 } }
        routes:
          - { path: "/c/**", upstream: svc, cache: { ttl: 60s } }
        """, Map.of("SVC", svc.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
  }

  @Test
  void theFirstChunkReachesTheClientBeforeTheUpstreamFinishesAndTheWholeBodyIsStored() {
    Promise<Void> gate = Promise.promise();
    svc.handler(req -> {
      req.response().setChunked(true).write("first;");
      gate.future().onComplete(v -> req.response().end("second"));
    });
    Buffer received = Buffer.buffer();
    AtomicInteger status = new AtomicInteger();
    Promise<Void> ended = Promise.promise();
    HttpClient client = bff.client();
    bff.context().runOnContext(v -> client.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setHost("127.0.0.1").setPort(bff.port()).setURI("/c/stream"))
        .compose(r -> r.send())
        .onSuccess(resp -> {
          status.set(resp.statusCode());
          resp.handler(b -> {
            synchronized (received) {
              received.appendBuffer(b);
            }
          });
          resp.endHandler(x -> ended.complete());
        }));
    Poll.until("the first chunk, while the upstream still holds the rest", WAIT, () -> {
      synchronized (received) {
        return received.toString().equals("first;");
      }
    });
    assertThat(ended.future().isComplete()).isFalse();
    vertx.runOnContext(v -> gate.complete());
    TestClient.await(ended.future(), "the end of the body");
    assertThat(received.toString()).isEqualTo("first;second");
    var hit = bff.get("/c/stream");
    assertThat(hit.header("X-Cache")).isEqualTo("HIT");
    assertThat(hit.body().toString()).isEqualTo("first;second");
    assertThat(hit.header("Content-Length")).isEqualTo("12");
    assertThat(svc.count()).isEqualTo(1);
  }

  @Test
  void anAnswerCutMidBodyIsNotStored() {
    AtomicInteger calls = new AtomicInteger();
    svc.handler(req -> {
      if (calls.incrementAndGet() == 1) {
        req.response().setChunked(true).write("partial");
        vertx.setTimer(50, id -> req.connection().close());
      } else {
        req.response().end("whole");
      }
    });
    try (TestClient c = TestClient.of(vertx, bff.port())) {
      TestClient.await(c.sendAsync(HttpMethod.GET, "/c/cut", Map.of(), null).otherwiseEmpty(), "the cut answer");
    }
    var next = bff.get("/c/cut");
    assertThat(next.header("X-Cache")).isEqualTo("MISS");
    assertThat(next.body().toString()).isEqualTo("whole");
    assertThat(svc.count()).isEqualTo(2);
  }
}
