package dev.bff.common.ratelimit;

import dev.bff.common.store.SharedRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Buckets in the shared Redis, so every replica enforces one limit. Each decision is one atomic Lua
 * script ({@code decide.lua}) over all the request's limits, sent as {@code EVALSHA} (and as
 * {@code EVAL}, which loads it, when Redis answers {@code NOSCRIPT}, e.g. after a restart); the
 * script reads the Redis server's clock, and every key it writes expires once it is as good as new.
 */
public final class RedisStore implements LimitStore {
  static final String SCRIPT = load();
  static final String SHA = sha1(SCRIPT);

  private final SharedRedis redis;
  private final String prefix;

  /** A store keeping its buckets under {@code prefix} in {@code redis}. */
  public RedisStore(SharedRedis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  @Override
  public Future<List<Verdict>> acquire(List<Check> checks) {
    return redis.send(request(Command.EVALSHA, SHA, checks))
        .recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
            ? redis.send(request(Command.EVAL, SCRIPT, checks)) : Future.failedFuture(e))
        .map(r -> verdicts(r, checks.size()));
  }

  private Request request(Command cmd, String script, List<Check> checks) {
    Request r = Request.cmd(cmd).arg(script).arg(checks.size());
    for (Check c : checks) {
      r.arg(prefix + c.key());
    }
    for (Check c : checks) {
      Meter m = c.meter();
      r.arg(String.valueOf(m.kind().code)).arg(m.limit()).arg(micros(m.intervalNanos()));
    }
    return r;
  }

  /** Nanoseconds as a decimal number of microseconds (the script keeps fractions: 3/s is 333333.333 us). */
  private static String micros(long nanos) {
    return nanos % 1000 == 0 ? Long.toString(nanos / 1000) : java.math.BigDecimal.valueOf(nanos, 3).toPlainString();
  }

  private static List<Verdict> verdicts(Response r, int n) {
    if (r == null || r.size() != 1 + 4 * n) {
      throw new IllegalStateException("unexpected answer from the rate-limit script: " + r);
    }
    List<Verdict> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int at = 1 + 4 * i;
      out.add(new Verdict(r.get(at).toLong() == 1, r.get(at + 1).toLong(), r.get(at + 2).toLong() * 1000,
          r.get(at + 3).toLong() * 1000));
    }
    return out;
  }

  private static String load() {
    try (InputStream in = RedisStore.class.getResourceAsStream("decide.lua")) {
      if (in == null) {
        throw new IllegalStateException("decide.lua is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return redis + " prefix " + prefix;
  }
}
