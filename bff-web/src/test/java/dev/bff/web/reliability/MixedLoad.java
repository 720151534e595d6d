package dev.bff.web.reliability;

import dev.bff.common.testing.Poll;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open-loop load at a fixed rate (a request starts on schedule whether or not earlier ones have
 * answered, so a stall shows as latency and failures instead of a lower rate) over a mix of the web
 * shop's requests: pass-through {@code /api/products/:id}, the composed product page, a cached route
 * and the signed-in user's page (a JWT of the demo identity service). It runs on a Vert.x of its own
 * (one event loop), apart from the demo services. A request with no answer within 10 s of silence
 * counts as failed.
 */
final class MixedLoad implements AutoCloseable {
  /** The kinds of request in the mix. */
  enum Kind {
    PASS("pass-through /api/products/:id"),
    DETAILS("product-details /api/product-details/:id"),
    CACHED("cached /api/categories"),
    AUTH("authenticated /api/me");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** One cycle of the mix: 40% pass-through, 20% product pages, 25% cached, 15% authenticated. */
  static final List<Kind> MIX = List.of(Kind.PASS, Kind.CACHED, Kind.DETAILS, Kind.PASS, Kind.AUTH,
      Kind.PASS, Kind.CACHED, Kind.DETAILS, Kind.PASS, Kind.CACHED, Kind.AUTH, Kind.PASS, Kind.DETAILS,
      Kind.PASS, Kind.CACHED, Kind.AUTH, Kind.PASS, Kind.DETAILS, Kind.CACHED, Kind.PASS);
  /** Product ids the pass-through and the product page cycle through (all the demo catalog has). */
  static final int PRODUCTS = 120;

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
  private final Context context = vertx.getOrCreateContext();
  private final HttpClient client;
  private final Samples samples = new Samples();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong outstanding = new AtomicLong();
  private final List<String> tokens;
  private final int port;
  private final int perSecond;
  private long begin;
  private long rampMs;
  private long timer = -1;
  private final int[] next = new int[Kind.values().length];

  private MixedLoad(int port, int perSecond, int connections, List<String> tokens) {
    this.port = port;
    this.perSecond = perSecond;
    this.tokens = tokens;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(30)
        .setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(connections));
  }

  /**
   * Starts sending to {@code 127.0.0.1:port} over at most {@code connections} connections, the rate
   * going up evenly from nothing to {@code perSecond} requests a second over {@code ramp} (a cold JVM
   * is not hit at full rate), then held (in 5 ms ticks); {@code tokens} are bearer tokens for the
   * authenticated requests.
   */
  static MixedLoad start(int port, int perSecond, int connections, Duration ramp, List<String> tokens) {
    MixedLoad load = new MixedLoad(port, perSecond, connections, tokens);
    load.rampMs = ramp.toMillis();
    CompletableFuture<Void> started = new CompletableFuture<>();
    load.context.runOnContext(v -> {
      load.begin = System.nanoTime();
      load.timer = load.vertx.setPeriodic(5, id -> load.tick());
      started.complete(null);
    });
    started.join();
    return load;
  }

  /** Requests due by {@code ms} after the start: the area under the ramp, then the full rate. */
  private long due(long ms) {
    if (ms < rampMs) {
      return (long) ((double) perSecond * ms * ms / (2_000.0 * rampMs));
    }
    return (long) (perSecond * (ms - rampMs / 2.0) / 1000.0);
  }

  private void tick() {
    long due = due((System.nanoTime() - begin) / 1_000_000);
    while (sent.get() < due) {
      long n = sent.getAndIncrement();
      send(MIX.get((int) (n % MIX.size())));
    }
  }

  private void send(Kind kind) {
    int k = next[kind.ordinal()]++;
    int id = kind == Kind.AUTH ? k % tokens.size() : kind == Kind.CACHED ? 0 : 1 + k % PRODUCTS;
    String uri = switch (kind) {
      case PASS -> "/api/products/" + id;
      case DETAILS -> "/api/product-details/" + id;
      case CACHED -> "/api/categories";
      case AUTH -> "/api/me";
    };
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(uri).setIdleTimeout(10_000);
    if (kind == Kind.AUTH) {
      o.addHeader("Authorization", "Bearer " + tokens.get(id));
    }
    long start = System.nanoTime();
    int startedMs = (int) ((start - begin) / 1_000_000);
    int[] sentMs = {startedMs};
    outstanding.incrementAndGet();
    client.request(o).compose(req -> {
      sentMs[0] = (int) ((System.nanoTime() - begin) / 1_000_000);
      return req.send();
    }).compose(resp -> resp.body().map(b -> flags(resp)
        | Samples.parts(resp.getHeader("bff-degraded")) << 8 | resp.statusCode() << 16)).onComplete(ar -> {
          int micros = (int) ((System.nanoTime() - start) / 1000);
          if (ar.succeeded()) {
            int r = ar.result();
            samples.add(startedMs, sentMs[0], kind, id, r >>> 16, micros, r & 0xff, r >>> 8 & 0xff, null);
          } else {
            samples.add(startedMs, sentMs[0], kind, id, -1, micros, 0, 0, String.valueOf(ar.cause()));
          }
          outstanding.decrementAndGet();
        });
  }

  private static int flags(HttpClientResponse resp) {
    int f = resp.getHeader("bff-degraded") != null ? Samples.DEGRADED : 0;
    String cache = resp.getHeader("x-cache");
    if (cache != null) {
      f |= switch (cache) {
        case "HIT", "REVALIDATED" -> Samples.CACHE_HIT;
        case "MISS" -> Samples.CACHE_MISS;
        case "BYPASS" -> Samples.CACHE_BYPASS;
        case "STALE" -> Samples.CACHE_STALE;
        default -> 0;
      };
    }
    return f;
  }

  /** Milliseconds since the load began (the time base of {@link Samples#startMs}). */
  long nowMs() {
    return (System.nanoTime() - begin) / 1_000_000;
  }

  long sent() {
    return sent.get();
  }

  /** Requests sent or waiting for a connection, not answered yet. */
  long inFlight() {
    return outstanding.get();
  }

  int perSecond() {
    return perSecond;
  }

  /** Stops sending, waits (up to 30 s) for the answers still due, and returns every sample. */
  Samples stop() {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    context.runOnContext(v -> {
      vertx.cancelTimer(timer);
      stopped.complete(null);
    });
    stopped.join();
    Poll.until("the load's last answers", Duration.ofSeconds(30), () -> outstanding.get() == 0);
    CompletableFuture<Samples> done = new CompletableFuture<>();
    context.runOnContext(v -> done.complete(samples)); // read on the loop that wrote them
    return done.join();
  }

  @Override
  public void close() {
    try {
      Future<Void> closed = client.close().compose(v -> vertx.close());
      closed.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing the load's own Vert.x: nothing is left to lose
    }
  }
}
