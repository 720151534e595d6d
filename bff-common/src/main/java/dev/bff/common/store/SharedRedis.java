package dev.bff.common.store;

import dev.bff.common.config.RedisConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis a BFF's replicas share, through one pooled vertx-redis-client. Every command has the
 * configured timeout; the first failure after a success and the first success after failures are
 * logged (once per transition, not per command), and {@link #available()} says which holds now.
 */
public final class SharedRedis {
  private static final Logger LOG = LoggerFactory.getLogger(SharedRedis.class);

  private final RedisConfig config;
  private final Redis client;
  private final AtomicBoolean down = new AtomicBoolean();

  /** A pooled client for {@code config}; it connects on the first command. */
  public SharedRedis(Vertx vertx, RedisConfig config) {
    this.config = config;
    this.client = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(config.url())
        .setMaxPoolSize(config.pool())
        .setMaxPoolWaiting(config.pool() * 256)
        .setMaxWaitingHandlers(4096)
        .setNetClientOptions(new NetClientOptions().setTcpNoDelay(true).setTcpKeepAlive(true)
            .setConnectTimeout((int) Math.max(1, config.timeout().toMillis()))));
  }

  /** Sends one command; fails when Redis does not answer within the timeout or answers an error. */
  public Future<Response> send(Request request) {
    return client.send(request).timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS).andThen(ar -> {
      if (ar.succeeded() || ar.cause() instanceof Response) { // an error reply (e.g. NOSCRIPT) is an answer
        if (down.compareAndSet(true, false)) {
          LOG.info("{} answers again", config);
        }
      } else if (down.compareAndSet(false, true)) {
        LOG.warn("{} is unreachable or failing: {}", config, String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  /** Whether the last command succeeded (true before the first). */
  public boolean available() {
    return !down.get();
  }

  /** The configuration. */
  public RedisConfig config() {
    return config;
  }

  /** Closes the pool. */
  public Future<Void> close() {
    return client.close();
  }

  @Override
  public String toString() {
    return config.toString();
  }
}
