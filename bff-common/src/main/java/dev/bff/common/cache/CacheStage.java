package dev.bff.common.cache;

import dev.bff.common.aggregate.Degradation;
import dev.bff.common.config.RouteCacheConfig.ClientCacheControl;
import dev.bff.common.routing.BffRequest;
import dev.bff.common.routing.EndpointHandler;
import dev.bff.common.routing.Reply;
import dev.bff.common.routing.Stage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * Caches an endpoint's whole answers: the stage around a composed or Java endpoint. Fresh entries
 * answer without running the endpoint; stale ones are served while one background run refreshes
 * them (stale-while-revalidate), or when the endpoint fails (stale-if-error); concurrent misses of
 * one key wait for one run. A degraded answer ({@code BFF-Degraded}, {@code _meta.degraded}) is
 * never stored, nor is a problem. Entries keep the reply's body bytes, so a hit encodes nothing.
 */
public final class CacheStage implements Stage {
  private final ResponseCache cache;
  private final boolean label;

  CacheStage(ResponseCache cache, boolean label) {
    this.cache = cache;
    this.label = label;
  }

  @Override
  public Future<Reply> apply(BffRequest r, EndpointHandler next) {
    HttpMethod m = r.method();
    if (m != HttpMethod.GET && m != HttpMethod.HEAD || !cache.policy().methods().contains(m.name())) {
      return labelled(next.handle(r), CacheStatus.BYPASS);
    }
    Directives asked = null;
    if (cache.policy().clientCacheControl() == ClientCacheControl.HONOUR) {
      String cc = r.header("cache-control");
      asked = cc == null ? ("no-cache".equalsIgnoreCase(r.header("pragma")) ? Directives.parse(java.util.List.of("no-cache")) : null)
          : Directives.parse(r.headers().getAll(HttpHeaders.CACHE_CONTROL));
      if (asked != null && asked.noStore()) {
        return labelled(next.handle(r), CacheStatus.BYPASS);
      }
    }
    String uri = r.uri();
    int q = uri.indexOf('?');
    CacheKey key = cache.key(r.path(), q < 0 ? null : uri.substring(q + 1), r.headers(), r.principal());
    Future<CachedResponse> f = cache.lookup(key, r.headers());
    if (f.isComplete()) {
      return found(r, next, key, f, asked);
    }
    Context ctx = Vertx.currentContext();
    Promise<Reply> p = Promise.promise();
    Directives a = asked;
    f.onComplete(ar -> OnLoop.run(ctx, () -> found(r, next, key, f, a).onComplete(p)));
    return p.future();
  }

  private Future<Reply> found(BffRequest r, EndpointHandler next, CacheKey key, Future<CachedResponse> f,
      Directives asked) {
    if (f.failed()) {
      cache.stats().storeErrors.increment();
      return labelled(next.handle(r), CacheStatus.BYPASS);
    }
    CachedResponse e = f.result();
    long now = cache.now();
    if (e == null) {
      return miss(r, next, key, null);
    }
    long age = e.age(now);
    boolean forced = asked != null && (asked.noCache() || asked.maxAge() >= 0 && age > asked.maxAge() * 1000);
    if (!forced && e.freshness().isFresh(age)) {
      return Future.succeededFuture(reply(e, CacheStatus.HIT, now));
    }
    if (!forced && e.freshness().servableWhileRevalidating(age)) {
      if (cache.startRefresh(key)) {
        MultiMap requestHeaders = HttpHeaders.headers().addAll(r.headers());
        cache.stats().refreshes.increment();
        run(r, next).onComplete(ar -> {
          if (ar.succeeded()) {
            store(r, key, requestHeaders, ar.result());
          }
          cache.refreshed(key);
        });
      }
      return Future.succeededFuture(reply(e, CacheStatus.STALE, now));
    }
    return miss(r, next, key, e);
  }

  /** Runs the endpoint for a miss, or to replace {@code stale}, collapsing concurrent ones. */
  private Future<Reply> miss(BffRequest r, EndpointHandler next, CacheKey key, CachedResponse stale) {
    if (!cache.collapses(key)) {
      return lead(r, next, key, stale, null);
    }
    Flights.Flight flight = cache.flight(key);
    if (flight.claim()) {
      return lead(r, next, key, stale, flight);
    }
    Promise<Reply> p = Promise.promise();
    Context ctx = Vertx.currentContext();
    flight.await(ctx, cache.policy().collapseWait().toMillis(), landing -> {
      if (landing == null || landing.entry().vary().length > 0) {
        lead(r, next, key, stale, null).onComplete(p);
      } else {
        cache.stats().collapsed.increment();
        p.complete(reply(landing.entry(), landing.status(), cache.now()));
      }
    });
    return p.future();
  }

  private Future<Reply> lead(BffRequest r, EndpointHandler next, CacheKey key, CachedResponse stale,
      Flights.Flight flight) {
    MultiMap requestHeaders = HttpHeaders.headers().addAll(r.headers());
    return run(r, next).transform(ar -> {
      long now = cache.now();
      boolean failed = ar.failed() || ar.result().status() >= 500;
      if (failed && stale != null && stale.freshness().servableOnError(stale.age(now))) {
        land(flight, stale, CacheStatus.STALE);
        return Future.succeededFuture(reply(stale, CacheStatus.STALE, now));
      }
      if (ar.failed()) {
        land(flight, null, null);
        return Future.failedFuture(ar.cause());
      }
      Reply reply = ar.result();
      CachedResponse entry = store(r, key, requestHeaders, reply);
      if (entry == null) {
        cache.pass(key);
      }
      land(flight, entry, CacheStatus.HIT);
      cache.count(CacheStatus.MISS);
      if (label) {
        reply.header(HitWriter.X_CACHE, CacheStatus.MISS.name());
      }
      return Future.succeededFuture(reply);
    });
  }

  /** Stores a reply when it may be; returns the entry, or null. */
  private CachedResponse store(BffRequest r, CacheKey key, MultiMap requestHeaders, Reply reply) {
    if (reply.problem() != null || degraded(reply)) {
      return null;
    }
    long now = cache.now();
    MultiMap h = reply.headers();
    Directives cc = Directives.parse(h.getAll(HttpHeaders.CACHE_CONTROL));
    Freshness f = cache.freshness(cc, h, now);
    boolean authenticated = r.principal() != null || r.header("authorization") != null;
    if (Storable.refusal(reply.status(), h, cc, f, authenticated, cache.policy()) != null) {
      return null;
    }
    io.vertx.core.buffer.Buffer body = reply.body();
    if (body.length() > cache.config().maxObjectSize()) {
      return null;
    }
    MultiMap stored = HttpHeaders.headers().addAll(h);
    stored.remove("server-timing").remove(HttpHeaders.AGE).remove(HitWriter.X_CACHE);
    CachedResponse entry = CachedResponse.of(reply.status(), stored, body, now, f,
        Storable.tags(h, cache.policy().tagsHeader()), Storable.vary(h));
    cache.store(key, requestHeaders, entry);
    return entry;
  }

  /** Whether a composed answer is incomplete: it says so in a header or in {@code _meta.degraded}. */
  static boolean degraded(Reply reply) {
    if (reply.headers().contains(Degradation.HEADER)) {
      return true;
    }
    JsonObject json = reply.jsonObject();
    JsonObject meta = json == null ? null : json.getJsonObject("_meta");
    return meta != null && meta.containsKey("degraded");
  }

  private static Future<Reply> run(BffRequest r, EndpointHandler next) {
    try {
      return next.handle(r);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Reply reply(CachedResponse e, CacheStatus s, long now) {
    cache.count(s);
    Reply reply = new Reply(e.status(), e.headers(), e.body());
    reply.header(HttpHeaders.AGE.toString(), Long.toString(e.age(now) / 1000));
    if (label) {
      reply.header(HitWriter.X_CACHE, s.name());
    }
    return reply;
  }

  private static void land(Flights.Flight flight, CachedResponse e, CacheStatus s) {
    if (flight != null) {
      flight.land(e, s);
    }
  }

  private Future<Reply> labelled(Future<Reply> f, CacheStatus s) {
    cache.count(s);
    return label ? f.map(reply -> reply.header(HitWriter.X_CACHE, s.name())) : f;
  }

  @Override
  public String toString() {
    return cache.toString();
  }
}
