package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request pipelined behind one that ends its connection is never served, even when it was decoded
 * before the gateway refused the one before it: while an earlier request is in flight, Vert.x reads
 * ahead and holds the next requests, and hands them on once the refusal is sent. The request after
 * an ambiguous one is exactly where a smuggled request sits.
 */
@ExtendWith(VertxExtension.class)
class PipelinedAfterRefusalTest {
  FakeUpstream svc;
  BffUnderTest bff;

  void start(Vertx vertx, boolean h2c, long delayMs) {
    svc = FakeUpstream.start(vertx, "svc");
    if (delayMs > 0) { // the first request stays in flight while the next ones are read
      svc.handler(req -> vertx.setTimer(delayMs, t -> req.response().end("slow")));
    }
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1, h2c: %s }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/api/**", upstream: svc }
        """.formatted(h2c), Map.of("SVC", svc.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 300})
  void aRequestSmuggledBehindARefusedOneNeverReachesTheUpstream(long delayMs, Vertx vertx) {
    start(vertx, false, delayMs);
    for (int i = 0; i < 20; i++) {
      try (RawHttp raw = RawHttp.connect(bff.port())) {
        raw.write("GET /api/first HTTP/1.1\r\nHost: x\r\n\r\n"
          + "POST /api/ambiguous HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "0\r\n\r\n"
          + "GET /api/smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(raw.read().status()).isEqualTo(200);
        assertThat(raw.read().status()).isEqualTo(400);
        assertThat(raw.closedByPeer(5_000)).isTrue();
      }
    }
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsOnly("/api/first").hasSize(20);
  }

  @Test
  void onAnH2cPortNothingPipelinedAfterAChunkedFirstRequestIsServed(Vertx vertx) {
    start(vertx, true, 300);
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write("POST /api/first HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
          + "GET /api/second HTTP/1.1\r\nHost: x\r\n\r\n");
      var first = raw.read();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.header("connection")).isEqualTo("close");
      assertThat(raw.closedByPeer(5_000)).isTrue();
    }
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/api/first");
  }
}
