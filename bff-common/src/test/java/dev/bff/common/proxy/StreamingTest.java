package dev.bff.common.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.ChildGateway;
import dev.bff.demo.GeneratedBody;
import dev.bff.common.testing.PinnedClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bodies many times the gateway's heap stream through it both ways with back-pressure. The gateway
 * runs in a child JVM with a 64 MB heap (and as much direct memory): buffering a body would kill it.
 * HTTP/1.1 and HTTP/2 (h2c) clients, with and without Content-Length; HTTP/1.1 and h2c upstreams.
 * The upstream and the clients live in this JVM and never hold a body either: they count bytes.
 * (With back-pressure switched off in {@link ProxyCall}, the child dies of OutOfMemoryError here.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamingTest {
  private static final long MB = 1024 * 1024;
  private static final long BIG = 512 * MB;
  private static final Buffer CHUNK = Buffer.buffer(new byte[64 * 1024]);

  static Vertx vertx;
  static HttpServer upstream;
  static ChildGateway gateway;
  static PinnedClient client;
  static PinnedClient h2;
  static final AtomicLong uploaded = new AtomicLong();
  static final AtomicLong downloaded = new AtomicLong();
  static volatile HttpVersion upstreamVersion; // of the last request the upstream took

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(StreamingTest::serve).listen(0, "127.0.0.1").await();
    gateway = ChildGateway.start("""
        server:
          host: 127.0.0.1
          port: 0
          admin-host: 127.0.0.1
          admin-port: 0
          instances: 1
          limits: { max-body-size: 2GB }
        upstreams:
          big: { instances: ["http://127.0.0.1:%1$d"], response-timeout: 60s, idle-timeout: 60s }
          bigh2c: { instances: ["http://127.0.0.1:%1$d"], protocol: h2c, response-timeout: 60s, idle-timeout: 60s }
        routes:
          - { path: "/big/**", upstream: big, strip-prefix: /big }
          - { path: "/h2c/**", upstream: bigh2c, strip-prefix: /h2c }
        """.formatted(upstream.actualPort()), "-Xmx64m", "-XX:MaxDirectMemorySize=64m",
        "-XX:+ExitOnOutOfMemoryError");
    client = PinnedClient.create(vertx);
    h2 = PinnedClient.create(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  @AfterAll
  static void stop() {
    try {
      if (gateway != null) {
        gateway.close();
      }
    } finally {
      vertx.close().await();
    }
  }

  @BeforeEach
  @AfterEach
  void gatewayAlive() {
    assertThat(gateway.process().isAlive()).as("gateway alive; output:\n%s", gateway.output()).isTrue();
    assertThat(gateway.output()).doesNotContain("OutOfMemoryError").doesNotContain("OutOfDirectMemory");
  }

  /** {@code POST /upload} counts the body; {@code GET /download?size=N} writes N bytes as fast as it may. */
  private static void serve(HttpServerRequest req) {
    upstreamVersion = req.version();
    if (req.path().equals("/upload")) {
      long[] n = {0};
      req.handler(b -> {
        n[0] += b.length();
        uploaded.addAndGet(b.length());
      });
      req.endHandler(v -> req.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("received", n[0]).encode()));
      return;
    }
    long size = Long.parseLong(req.getParam("size"));
    HttpServerResponse resp = req.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
        .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(size));
    writeSome(resp, new long[] {size});
  }

  private static void writeSome(HttpServerResponse resp, long[] remaining) {
    while (remaining[0] > 0 && !resp.writeQueueFull()) {
      int n = (int) Math.min(CHUNK.length(), remaining[0]);
      remaining[0] -= n;
      downloaded.addAndGet(n);
      resp.write(CHUNK.slice(0, n));
    }
    if (remaining[0] > 0) {
      resp.drainHandler(v -> writeSome(resp, remaining));
    } else {
      resp.end();
    }
  }

  private static RequestOptions at(HttpMethod method, String uri) {
    return new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(gateway.port()).setURI(uri)
        .setIdleTimeout(60_000);
  }

  /** Counts the body of {@code resp} without keeping it; must be called before any chunk arrives. */
  private static Future<Long> count(HttpClientResponse resp) {
    Promise<Long> done = Promise.promise();
    long[] n = {0};
    resp.handler(b -> n[0] += b.length());
    resp.exceptionHandler(done::tryFail);
    resp.endHandler(v -> done.tryComplete(n[0]));
    return done.future();
  }

  @Test
  void anUploadEightTimesTheGatewayHeapStreamsToTheUpstream() {
    uploaded.set(0);
    JsonObject answer = client.call(c -> c.request(at(HttpMethod.POST, "/big/upload"))
        .compose(req -> req.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(BIG))
            .send(new GeneratedBody(Vertx.currentContext(), BIG)))
        .compose(resp -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          return resp.body();
        }))
        .timeout(90, TimeUnit.SECONDS).await().toJsonObject();
    assertThat(answer.getLong("received")).isEqualTo(BIG);
    assertThat(uploaded.get()).isEqualTo(BIG);
  }

  @Test
  void aChunkedUploadWithoutContentLengthStreamsToo() {
    uploaded.set(0);
    long size = 128 * MB + 12345;
    JsonObject answer = client.call(c -> c.request(at(HttpMethod.POST, "/big/upload"))
        .compose(req -> req.setChunked(true).send(new GeneratedBody(Vertx.currentContext(), size)))
        .compose(HttpClientResponse::body))
        .timeout(90, TimeUnit.SECONDS).await().toJsonObject();
    assertThat(answer.getLong("received")).isEqualTo(size);
  }

  @Test
  void anHttp2UploadWithoutContentLengthStreamsWithFlowControl() {
    uploaded.set(0);
    long size = 192 * MB + 7;
    JsonObject answer = h2.call(c -> c.request(at(HttpMethod.POST, "/big/upload"))
        .compose(req -> req.send(new GeneratedBody(Vertx.currentContext(), size)))
        .compose(resp -> {
          assertThat(resp.version()).isEqualTo(HttpVersion.HTTP_2);
          return resp.body();
        }))
        .timeout(90, TimeUnit.SECONDS).await().toJsonObject();
    assertThat(answer.getLong("received")).isEqualTo(size);
  }

  @Test
  void anHttp2DownloadStreamsWithFlowControl() {
    long size = 192 * MB + 7;
    long got = h2.call(c -> c.request(at(HttpMethod.GET, "/big/download?size=" + size))
        .compose(HttpClientRequest::send)
        .compose(StreamingTest::count))
        .timeout(90, TimeUnit.SECONDS).await();
    assertThat(got).isEqualTo(size);
  }

  @Test
  void aDownloadEightTimesTheGatewayHeapArrivesByteForByte() {
    downloaded.set(0);
    HttpClientResponse[] head = new HttpClientResponse[1];
    long got = client.call(c -> c.request(at(HttpMethod.GET, "/big/download?size=" + BIG))
        .compose(HttpClientRequest::send)
        .compose(resp -> {
          head[0] = resp;
          return count(resp);
        }))
        .timeout(90, TimeUnit.SECONDS).await();
    assertThat(head[0].statusCode()).isEqualTo(200);
    assertThat(head[0].getHeader(HttpHeaders.CONTENT_LENGTH)).isEqualTo(Long.toString(BIG));
    assertThat(got).isEqualTo(BIG);
  }

  @Test
  void aSlowClientSlowsTheUpstreamInsteadOfFillingTheGatewayHeap() {
    downloaded.set(0);
    long size = 256 * MB;
    long[] writtenWhileSlow = {-1};
    long got = client.call(c -> c.request(at(HttpMethod.GET, "/big/download?size=" + size))
        .compose(HttpClientRequest::send)
        .compose(resp -> {
          resp.pause();
          Future<Long> all = count(resp);
          int[] ticks = {0};
          // 100 reads of one chunk, 20 ms apart (a client on a slow network), then full speed
          vertx.setPeriodic(20, id -> {
            if (++ticks[0] <= 100) {
              resp.fetch(1);
              return;
            }
            vertx.cancelTimer(id);
            writtenWhileSlow[0] = downloaded.get();
            resp.resume();
          });
          return all;
        }))
        .timeout(90, TimeUnit.SECONDS).await();
    assertThat(got).isEqualTo(size);
    assertThat(writtenWhileSlow[0]).as("bytes the upstream could write while the client read slowly")
        .isBetween(1L, 48 * MB);
  }

  @Test
  void anUploadStreamsToAnH2cUpstreamWithFlowControl() {
    uploaded.set(0);
    long size = 192 * MB + 5;
    JsonObject answer = client.call(c -> c.request(at(HttpMethod.POST, "/h2c/upload"))
        .compose(req -> req.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(size))
            .send(new GeneratedBody(Vertx.currentContext(), size)))
        .compose(HttpClientResponse::body))
        .timeout(90, TimeUnit.SECONDS).await().toJsonObject();
    assertThat(answer.getLong("received")).isEqualTo(size);
    assertThat(upstreamVersion).isEqualTo(HttpVersion.HTTP_2);
  }

  @Test
  void aDownloadFromAnH2cUpstreamArrivesByteForByte() {
    long size = 192 * MB + 3;
    long got = client.call(c -> c.request(at(HttpMethod.GET, "/h2c/download?size=" + size))
        .compose(HttpClientRequest::send)
        .compose(StreamingTest::count))
        .timeout(90, TimeUnit.SECONDS).await();
    assertThat(got).isEqualTo(size);
    assertThat(upstreamVersion).isEqualTo(HttpVersion.HTTP_2);
  }

  @Test
  void aSlowClientSlowsAnH2cUpstreamThroughItsStreamWindow() {
    downloaded.set(0);
    long size = 128 * MB;
    long[] writtenWhileSlow = {-1};
    long got = client.call(c -> c.request(at(HttpMethod.GET, "/h2c/download?size=" + size))
        .compose(HttpClientRequest::send)
        .compose(resp -> {
          resp.pause();
          Future<Long> all = count(resp);
          int[] ticks = {0};
          vertx.setPeriodic(20, id -> {
            if (++ticks[0] <= 100) {
              resp.fetch(1);
              return;
            }
            vertx.cancelTimer(id);
            writtenWhileSlow[0] = downloaded.get();
            resp.resume();
          });
          return all;
        }))
        .timeout(90, TimeUnit.SECONDS).await();
    assertThat(got).isEqualTo(size);
    assertThat(upstreamVersion).isEqualTo(HttpVersion.HTTP_2);
    assertThat(writtenWhileSlow[0]).as("bytes the upstream could write while the client read slowly")
        .isBetween(1L, 48 * MB);
  }
}
