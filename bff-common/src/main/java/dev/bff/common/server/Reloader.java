package dev.bff.common.server;

import dev.bff.common.config.BffConfig;
import dev.bff.common.config.ConfigException;
import dev.bff.common.config.ConfigProblem;
import dev.bff.common.config.ConfigSource;
import dev.bff.common.routing.Endpoints;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the gateway generation every event loop serves and replaces it on reload
 * ({@code POST /admin/reload}, SIGHUP, a watched file), one reload at a time:
 * <ol>
 *   <li>the source is read again and the new configuration validated in full, against the module's
 *       code and against what only a restart may change; on any problem the running configuration
 *       stays, and the problems are answered, logged and counted;</li>
 *   <li>what is new starts (discovery, health checks, JWKS) and every event loop builds its route
 *       table and pools for it; if one cannot, none switches;</li>
 *   <li>every event loop swaps, between two of its requests; requests in flight finish on the
 *       generation they started with, whose replaced pools close once idle;</li>
 *   <li>the previous generation hands over (its replaced groups stop being checked, their meters
 *       move to their successors).</li>
 * </ol>
 * Unchanged upstreams keep their groups (instances, breakers, outlier state) and every event loop's
 * pools; unchanged credentials, limits and caches carry over with their state.
 */
final class Reloader {
  private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

  private final Vertx vertx;
  private final Context context;
  private final ConfigSource source;
  private final List<GatewayVerticle> verticles = new CopyOnWriteArrayList<>();
  private volatile Gateway current;
  private Future<JsonObject> last = Future.succeededFuture();
  private volatile boolean closed;
  private volatile JsonObject lastOutcome;
  private final Counter reloaded;
  private final Counter unchanged;
  private final Counter failed;
  private volatile int lastFailed;
  private long watchTimer = -1;

  Reloader(Vertx vertx, Gateway initial, ConfigSource source) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.current = initial;
    this.source = source;
    MeterRegistry registry = initial.metrics().registry();
    if (registry != null) {
      String d = "Configuration reloads by outcome (reloaded, unchanged, failed: the running configuration stayed)";
      reloaded = Counter.builder("bff.config.reloads").description(d).tag("outcome", "reloaded").register(registry);
      unchanged = Counter.builder("bff.config.reloads").description(d).tag("outcome", "unchanged").register(registry);
      failed = Counter.builder("bff.config.reloads").description(d).tag("outcome", "failed").register(registry);
      Gauge.builder("bff.config.version", this, r -> r.current.version())
          .description("The configuration's generation: 1 at start, one more per reload that changed it")
          .register(registry);
      Gauge.builder("bff.config.last.reload.failed", this, r -> r.lastFailed)
          .description("1 when the last reload was refused (the running configuration stayed), else 0")
          .register(registry);
    } else {
      reloaded = null;
      unchanged = null;
      failed = null;
    }
  }

  /** The generation the event loops serve (the one a request starting now gets). */
  Gateway current() {
    return current;
  }

  /** Where reloads read from. */
  ConfigSource source() {
    return source;
  }

  void add(GatewayVerticle v) {
    verticles.add(v);
  }

  /** The last reload's outcome ({@code /admin/config}), or null before the first. */
  JsonObject lastOutcome() {
    return lastOutcome;
  }

  /**
   * Reloads from the source after any reload under way; completes with what happened: {@code status}
   * {@code reloaded} (with the changes) or {@code unchanged}, or fails with a {@link ConfigException}
   * naming every problem (the running configuration stays).
   *
   * @param trigger what asked for it, for the log ({@code admin}, {@code SIGHUP}, {@code file})
   */
  Future<JsonObject> reload(String trigger) {
    io.vertx.core.Promise<JsonObject> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      last = last.transform(x -> attempt(trigger)).onComplete(done);
    });
    return done.future();
  }

  private Future<JsonObject> attempt(String trigger) {
    if (closed) {
      return Future.failedFuture(new ConfigException(source.toString(),
          List.of(new ConfigProblem("", "the BFF is shutting down; nothing was reloaded"))));
    }
    Gateway running = current;
    long start = System.nanoTime();
    return context.<Gateway>executeBlocking(() -> { // reads files, runs the module's code: off the event loops
      BffConfig next = source.read();
      if (ConfigDiff.sameConfig(running.config(), next)) {
        return null;
      }
      return running.reloaded(vertx, next);
    }, false).compose(next -> {
      if (next == null) {
        return Future.succeededFuture(outcome("unchanged", running, start, null));
      }
      return next.startBackground(vertx)
          .compose(v -> Future.all(verticles.stream().map(gv -> gv.prepare(next)).toList()))
          .recover(e -> { // one event loop could not build it: none switches
            verticles.forEach(GatewayVerticle::abort);
            next.discard();
            return Future.failedFuture(e);
          })
          .compose(v -> Future.all(verticles.stream().map(GatewayVerticle::commit).toList()))
          .map(v -> {
            current = next;
            running.retire(next);
            JsonObject changes = ConfigDiff.changes(running.config(), names(running.endpoints()), next.config(),
                names(next.endpoints()));
            return outcome("reloaded", next, start, changes);
          });
    }).andThen(ar -> record(trigger, ar.succeeded() ? ar.result() : null, ar.cause()));
  }

  private static List<String> names(Endpoints e) {
    return e.specs().stream().map(Endpoints.Spec::name).toList();
  }

  private JsonObject outcome(String status, Gateway g, long start, JsonObject changes) {
    JsonObject o = new JsonObject().put("status", status).put("version", g.version())
        .put("source", source.toString()).put("loaded-at", g.loadedAt().toString())
        .put("took-ms", (System.nanoTime() - start) / 1_000_000);
    if (changes != null) {
      o.put("changes", changes);
    }
    return o;
  }

  private void record(String trigger, JsonObject ok, Throwable error) {
    JsonObject o = new JsonObject().put("at", Instant.now().toString()).put("trigger", trigger);
    if (ok != null) {
      lastFailed = 0;
      o.mergeIn(ok);
      if (ok.getString("status").equals("reloaded")) {
        count(reloaded);
        LOG.info("configuration reloaded ({}) from {}: version {}, {}", trigger, source, ok.getInteger("version"),
            summary(ok.getJsonObject("changes")));
      } else {
        count(unchanged);
        LOG.info("configuration reload ({}) from {}: unchanged, version {} stays", trigger, source,
            ok.getInteger("version"));
      }
    } else {
      lastFailed = 1;
      count(failed);
      o.put("status", "failed").put("version", current.version()).put("problems", problems(error));
      LOG.error("configuration reload ({}) from {} refused, version {} stays: {}", trigger, source,
          current.version(), error instanceof ConfigException ? error.getMessage() : error.toString());
    }
    lastOutcome = o;
  }

  /** The changes as one line: {@code routes +c -b ~a; upstreams ~a; sections [rate-limits]}. */
  static String summary(JsonObject changes) {
    StringBuilder sb = new StringBuilder();
    for (String kind : List.of("routes", "endpoints", "upstreams")) {
      JsonObject c = changes.getJsonObject(kind);
      StringBuilder part = new StringBuilder();
      c.getJsonArray("added").forEach(x -> part.append(" +").append(x));
      c.getJsonArray("removed").forEach(x -> part.append(" -").append(x));
      c.getJsonArray("changed").forEach(x -> part.append(" ~").append(x));
      if (part.length() > 0) {
        sb.append(sb.length() > 0 ? "; " : "").append(kind).append(part);
      }
    }
    JsonArray sections = changes.getJsonArray("sections");
    if (!sections.isEmpty()) {
      sb.append(sb.length() > 0 ? "; " : "").append("changed ").append(sections.encode());
    }
    return sb.length() == 0 ? "no effective change" : sb.toString();
  }

  /** Every problem of a failed reload as {@code {path, message}}. */
  static JsonArray problems(Throwable error) {
    JsonArray out = new JsonArray();
    if (error instanceof ConfigException ce) {
      ce.problems().forEach(p -> out.add(new JsonObject().put("path", p.path()).put("message", p.message())));
    } else {
      out.add(new JsonObject().put("path", "").put("message", String.valueOf(error.getMessage())));
    }
    return out;
  }

  private static void count(Counter c) {
    if (c != null) {
      c.increment();
    }
  }

  /**
   * Checks the source file every {@code interval} and reloads when its modification time or size
   * changed (a half-written file fails validation and is retried at the next change).
   */
  void watch(java.time.Duration interval) {
    Path file = source.file();
    if (file == null || interval.isZero()) {
      return;
    }
    long[] seen = stamp(file);
    watchTimer = vertx.setPeriodic(interval.toMillis(), id -> vertx.fileSystem().props(file.toString())
        .onSuccess(p -> {
          long[] now = {p.lastModifiedTime(), p.size()};
          if (now[0] != seen[0] || now[1] != seen[1]) {
            seen[0] = now[0];
            seen[1] = now[1];
            reload("file");
          }
        }));
    LOG.info("watching {} for changes every {} ms", file, interval.toMillis());
  }

  private static long[] stamp(Path file) {
    try {
      return new long[] {java.nio.file.Files.getLastModifiedTime(file).toMillis(), java.nio.file.Files.size(file)};
    } catch (java.io.IOException e) {
      return new long[] {-1, -1};
    }
  }

  /** Refuses later reloads (the BFF drains) and stops watching; completes after a reload under way. */
  Future<Void> close() {
    closed = true;
    if (watchTimer >= 0) {
      vertx.cancelTimer(watchTimer);
    }
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    context.runOnContext(v -> last.<Void>transform(x -> Future.succeededFuture()).onComplete(p));
    return p.future();
  }
}
