package dev.bff.common.store;

import dev.bff.common.config.RedisConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis a BFF's replicas share, through vertx-redis-client. Commands sent on an event loop go
 * over that event loop's own connection, pipelined (many commands in flight on one connection, no
 * pool to take a connection from and give back per command, no hop to another thread); commands
 * from elsewhere use the client's pool. Every command has the configured timeout; the first failure
 * after a success and the first success after failures are logged (once per transition, not per
 * command), and {@link #available()} says which holds now.
 */
public final class SharedRedis {
  private static final Logger LOG = LoggerFactory.getLogger(SharedRedis.class);

  private final RedisConfig config;
  private final Redis client;
  private final AtomicBoolean down = new AtomicBoolean();
  /**
   * Each event-loop thread's pipelined connection (or its connecting); dropped when it fails or
   * closes. Keyed by thread, not context: callbacks run on duplicated contexts of the same loop.
   */
  private final Map<Thread, Future<RedisConnection>> pinned = new ConcurrentHashMap<>();

  /** A pooled client for {@code config}; it connects on the first command. */
  public SharedRedis(Vertx vertx, RedisConfig config) {
    this.config = config;
    this.client = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(config.url())
        // every event-loop thread keeps one connection (Vert.x has 2 per core): room for those and the pool
        .setMaxPoolSize(config.pool() + 2 * Runtime.getRuntime().availableProcessors())
        .setMaxPoolWaiting(config.pool() * 256)
        .setMaxWaitingHandlers(4096)
        .setNetClientOptions(new NetClientOptions().setTcpNoDelay(true).setTcpKeepAlive(true)
            .setConnectTimeout((int) Math.max(1, config.timeout().toMillis()))));
  }

  /** Sends one command; fails when Redis does not answer within the timeout or answers an error. */
  public Future<Response> send(Request request) {
    Future<Response> sent = Context.isOnEventLoopThread()
        ? connection(Thread.currentThread()).compose(c -> c.send(request)) : client.send(request);
    return sent.timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS).andThen(ar -> {
      if (ar.succeeded() || ar.cause() instanceof Response) { // an error reply (e.g. NOSCRIPT) is an answer
        if (down.compareAndSet(true, false)) {
          LOG.info("{} answers again", config);
        }
      } else if (down.compareAndSet(false, true)) {
        LOG.warn("{} is unreachable or failing: {}", config, String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  /** The event loop's connection: the one it has, or a new one (after none, or a failed one). */
  private Future<RedisConnection> connection(Thread loop) {
    Future<RedisConnection> f = pinned.get(loop);
    if (f != null && !f.failed()) {
      return f;
    }
    Future<RedisConnection> created = client.connect();
    pinned.put(loop, created);
    created.onSuccess(c -> {
      c.exceptionHandler(e -> pinned.remove(loop, created));
      c.endHandler(v -> pinned.remove(loop, created));
    });
    return created;
  }

  /** Whether the last command succeeded (true before the first). */
  public boolean available() {
    return !down.get();
  }

  /** The configuration. */
  public RedisConfig config() {
    return config;
  }

  /** Closes the connections and the pool. */
  public Future<Void> close() {
    pinned.values().forEach(f -> f.onSuccess(RedisConnection::close));
    pinned.clear();
    return client.close();
  }

  @Override
  public String toString() {
    return config.toString();
  }
}
