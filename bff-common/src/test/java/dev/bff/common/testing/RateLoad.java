package dev.bff.common.testing;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open-loop load at a fixed rate (requests start on schedule whether or not earlier ones have
 * answered), cycling through a list of URIs over a pool of keep-alive connections. Every answer is
 * recorded with when it started, its status and latency; a request that fails (reset, refused,
 * timed out after 10 s) is recorded as status -1 with the reason.
 */
public final class RateLoad implements AutoCloseable {
  /** One request: when it started (ms since the load began), the URI, status (-1: failed), latency, error. */
  public record Sample(long startedMs, String uri, int status, double latencyMs, String error) {}

  private final Vertx vertx;
  private final Context context;
  private final HttpClient client;
  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final long begin = System.nanoTime();
  private long timer = -1;
  private long sent;

  private RateLoad(Vertx vertx, int connections) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(30),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  /**
   * Starts sending {@code perSecond} requests a second (in ticks of 5 ms) to {@code 127.0.0.1:port},
   * cycling through {@code uris}, over at most {@code connections} connections.
   */
  public static RateLoad start(Vertx vertx, int port, List<String> uris, int perSecond, int connections) {
    RateLoad load = new RateLoad(vertx, connections);
    load.context.runOnContext(v -> load.run(port, uris, perSecond));
    return load;
  }

  private void run(int port, List<String> uris, int perSecond) {
    long tick = 5;
    timer = vertx.setPeriodic(tick, id -> {
      long due = (System.nanoTime() - begin) * perSecond / 1_000_000_000L;
      while (sent < due) {
        String uri = uris.get((int) (sent++ % uris.size()));
        send(port, uri);
      }
    });
  }

  private void send(int port, String uri) {
    long start = System.nanoTime();
    long startedMs = (start - begin) / 1_000_000;
    outstanding.incrementAndGet();
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri)
        .setIdleTimeout(10_000);
    client.request(o).compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          double ms = (System.nanoTime() - start) / 1e6;
          samples.add(ar.succeeded() ? new Sample(startedMs, uri, ar.result(), ms, null)
              : new Sample(startedMs, uri, -1, ms, String.valueOf(ar.cause())));
          outstanding.decrementAndGet();
        });
  }

  /** Milliseconds since the load began. */
  public long elapsedMs() {
    return (System.nanoTime() - begin) / 1_000_000;
  }

  /** Stops sending, waits (up to 15 s) for the answers still due, and returns every sample. */
  public List<Sample> stop() {
    OnContext.await(context, () -> {
      vertx.cancelTimer(timer);
      return io.vertx.core.Future.succeededFuture();
    });
    Poll.until("the load's last answers", java.time.Duration.ofSeconds(15), () -> outstanding.get() == 0);
    return new ArrayList<>(samples);
  }

  /** The {@code p}-th percentile (0-100) of the samples' latencies, in ms. */
  public static double percentile(List<Sample> samples, double p) {
    if (samples.isEmpty()) {
      return Double.NaN;
    }
    double[] l = samples.stream().mapToDouble(Sample::latencyMs).toArray();
    Arrays.sort(l);
    int i = (int) Math.ceil(p / 100.0 * l.length) - 1;
    return l[Math.max(0, Math.min(l.length - 1, i))];
  }

  /** How many samples had each status (-1: the request failed). */
  public static Map<Integer, Integer> statuses(List<Sample> samples) {
    Map<Integer, Integer> out = new TreeMap<>();
    samples.forEach(s -> out.merge(s.status(), 1, Integer::sum));
    return out;
  }

  @Override
  public void close() {
    client.close();
  }
}
