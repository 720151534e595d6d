package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.ChildGateway;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.PinnedClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Shutdown drains: readiness turns 503, in-flight requests finish, then everything closes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GracefulShutdownTest {
  private static final Buffer BODY = Buffer.buffer("x".repeat(100_000));
  private static final Duration WAIT = Duration.ofSeconds(20);

  FakeUpstream up;
  BffUnderTest bff;
  PinnedClient client;
  /** Requests the upstream holds until the test answers them. */
  final List<Runnable> held = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    client = PinnedClient.create(vertx);
    up = FakeUpstream.start(vertx, "svc").handler(req -> {
      Context ctx = Vertx.currentContext();
      held.add(() -> ctx.runOnContext(v -> req.response().putHeader("content-type", "text/plain").end(BODY)));
    });
  }

  @AfterEach
  void stop() {
    if (bff != null) {
      bff.close();
    }
    client.close();
    up.close();
  }

  private BffUnderTest gateway(Vertx vertx, String drain) {
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, admin-host: 127.0.0.1, instances: 1, drain-timeout: %s }
        upstreams:
          svc: { instances: ["${SVC}"], response-timeout: 60s }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(drain), Map.of("SVC", up.url()));
    return bff;
  }

  private record Answer(int status, HttpVersion version, Buffer body) {}

  private static Future<Answer> get(PinnedClient c, int port, String uri) {
    return c.call(h -> h.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
            .setURI(uri))
        .compose(HttpClientRequest::send)
        .compose(r -> r.body().map(b -> new Answer(r.statusCode(), r.version(), b))));
  }

  private static boolean refused(Vertx vertx, int port) {
    NetClient net = vertx.createNetClient();
    try {
      Future<?> f = net.connect(port, "127.0.0.1");
      return f.transform(ar -> Future.succeededFuture(ar.failed())).await() == Boolean.TRUE;
    } finally {
      net.close().await();
    }
  }

  @Test
  void inFlightRequestsFinishWhileReadinessSaysNotReady(Vertx vertx) {
    gateway(vertx, "20s");
    PinnedClient h2 = PinnedClient.create(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    try {
      assertThat(get(client, bff.adminPort(), "/health/ready").await().status()).isEqualTo(200);
      Future<Answer> http1 = get(client, bff.port(), "/api/slow/1");
      Future<Answer> http2 = get(h2, bff.port(), "/api/slow/2");
      Poll.until("both requests reach the upstream", WAIT, () -> held.size() == 2);

      Future<Void> down = bff.running().shutdown();
      Answer ready = get(client, bff.adminPort(), "/health/ready").await();
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.body().toJsonObject().getInteger("status")).isEqualTo(503);
      Answer live = get(client, bff.adminPort(), "/health/live").await();
      assertThat(live.status()).isEqualTo(200);
      assertThat(down.isComplete()).isFalse();

      held.forEach(Runnable::run);
      Answer a1 = http1.timeout(20, TimeUnit.SECONDS).await();
      Answer a2 = http2.timeout(20, TimeUnit.SECONDS).await();
      assertThat(a1.status()).isEqualTo(200);
      assertThat(a1.body()).isEqualTo(BODY);
      assertThat(a2.status()).isEqualTo(200);
      assertThat(a2.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(a2.body()).isEqualTo(BODY);

      down.timeout(20, TimeUnit.SECONDS).await();
      assertThat(refused(vertx, bff.port())).as("gateway port after shutdown").isTrue();
      assertThat(refused(vertx, bff.adminPort())).as("admin port after shutdown").isTrue();
    } finally {
      h2.close();
    }
  }

  @Test
  void aRequestStillInFlightWhenTheDrainTimeoutPassesIsCut(Vertx vertx) {
    gateway(vertx, "500ms");
    Future<Answer> slow = get(client, bff.port(), "/api/never");
    Poll.until("the request reaches the upstream", WAIT, () -> held.size() == 1);
    long t0 = System.nanoTime();
    bff.running().shutdown().timeout(20, TimeUnit.SECONDS).await();
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(tookMs).isGreaterThanOrEqualTo(450);
    Poll.until("the client's request ends", WAIT, slow::isComplete);
    assertThat(slow.failed()).as("cut, not answered: %s", slow.result()).isTrue();
  }

  @Test
  void sigtermDrainsTheProcessAndExitsZero(Vertx vertx) throws Exception {
    up.handler(req -> vertx.setTimer(1500, t -> req.response().putHeader("content-type", "text/plain").end(BODY)));
    try (ChildGateway child = ChildGateway.start("""
        server: { host: 127.0.0.1, port: 0, admin-host: 127.0.0.1, admin-port: 0, instances: 1, drain-timeout: 10s }
        upstreams:
          svc: { instances: ["%s"] }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(up.url()), "-Xmx128m")) {
      Future<Answer> slow = get(client, child.port(), "/api/slow");
      Poll.until("the request reaches the upstream", WAIT, () -> up.count() == 1);
      child.terminate(); // SIGTERM
      Answer a = slow.timeout(20, TimeUnit.SECONDS).await();
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.body()).isEqualTo(BODY);
      assertThat(child.awaitExit(15, TimeUnit.SECONDS)).as("exited; output:\n%s", child.output()).isTrue();
      assertThat(child.process().exitValue()).as("exit code; output:\n%s", child.output()).isZero();
      assertThat(child.output()).contains("draining");
    }
  }
}
