package dev.bff.common.cache;

import dev.bff.common.config.RouteCacheConfig.ClientCacheControl;
import dev.bff.common.proxy.ProxyTarget;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Target;
import dev.bff.common.upstream.UpstreamResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.function.Supplier;

/**
 * A proxied route behind the response cache. GET (and HEAD) requests are answered from a fresh
 * entry; a stale one is served while one background request refreshes it (stale-while-revalidate)
 * or revalidated with a conditional request; a miss streams from the upstream to the client while
 * a copy is kept, and concurrent misses of the key wait for that one request. Other methods pass
 * through, and a successful unsafe one (POST, PUT, PATCH, DELETE) invalidates its URI's entries.
 */
public final class CachedRoute implements Target {
  private static final long POLL_MILLIS = 20;

  private final ProxyTarget proxy;
  private final ResponseCache cache;
  private final HitWriter writer;

  /** Puts {@code proxy} behind {@code cache}; {@code writer} answers from entries. */
  CachedRoute(ProxyTarget proxy, ResponseCache cache, HitWriter writer) {
    this.proxy = proxy;
    this.cache = cache;
    this.writer = writer;
  }

  ResponseCache cache() {
    return cache;
  }

  @Override
  public void serve(Exchange ex) {
    HttpServerRequest req = ex.request();
    HttpMethod m = req.method();
    if (m != HttpMethod.GET && m != HttpMethod.HEAD || !cache.policy().methods().contains(m.name())) {
      if (m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH || m == HttpMethod.DELETE) {
        bypass(ex);
        String key = cache.key(ex.path(), req.query(), req.headers(), ex.principal()).primary();
        proxy.serve(ex, new InvalidationTap(cache, key), null);
      } else {
        bypass(ex);
        proxy.serve(ex);
      }
      return;
    }
    Directives asked = cache.policy().clientCacheControl() == ClientCacheControl.HONOUR ? asked(req) : null;
    if (req.headers().contains("range") || asked != null && asked.noStore()) {
      bypass(ex);
      proxy.serve(ex);
      return;
    }
    CacheKey key = cache.key(ex.path(), req.query(), req.headers(), ex.principal());
    Future<CachedResponse> f = cache.lookup(key, req.headers());
    if (f.isComplete()) {
      found(ex, key, f, asked);
    } else {
      Context ctx = Vertx.currentContext();
      f.onComplete(ar -> OnLoop.run(ctx, () -> found(ex, key, f, asked)));
    }
  }

  private void found(Exchange ex, CacheKey key, Future<CachedResponse> f, Directives asked) {
    if (ex.response().closed()) {
      return;
    }
    if (f.failed()) { // the store is unreachable: the upstream answers, nothing is stored
      cache.stats().storeErrors.increment();
      bypass(ex);
      proxy.serve(ex);
      return;
    }
    CachedResponse e = f.result();
    long now = cache.now();
    if (e == null) {
      fetch(ex, key, null);
      return;
    }
    long age = e.age(now);
    boolean forced = asked != null && (asked.noCache() || asked.maxAge() >= 0 && age > asked.maxAge() * 1000);
    if (!forced && e.freshness().isFresh(age)) {
      answer(ex, e, CacheStatus.HIT, now);
    } else if (!forced && e.freshness().servableWhileRevalidating(age)) {
      Supplier<Future<UpstreamResponse>> refresh = cache.startRefresh(key)
          ? proxy.refresher(ex, conditional(e)) : null; // read the request before answering it
      MultiMap requestHeaders = refresh == null ? null : HttpHeaders.headers().addAll(ex.request().headers());
      answer(ex, e, CacheStatus.STALE, now);
      if (refresh != null) {
        new BackgroundRefresh(cache, key, requestHeaders, e, this, authenticated(ex)).run(refresh);
      }
    } else {
      fetch(ex, key, e);
    }
  }

  /** Goes upstream for a miss ({@code stale} null) or to revalidate {@code stale}, collapsing with others. */
  private void fetch(Exchange ex, CacheKey key, CachedResponse stale) {
    if (ex.request().method() == HttpMethod.HEAD) { // not stored: HEAD answers are filled from GET ones
      label(ex, CacheStatus.MISS);
      proxy.serve(ex);
      return;
    }
    if (!cache.collapses(key)) {
      lead(ex, key, stale, null, false);
      return;
    }
    Flights.Flight flight = cache.flight(key);
    if (!flight.claim()) {
      follow(ex, key, flight);
    } else if (!cache.store().shared()) {
      lead(ex, key, stale, flight, false);
    } else {
      Context ctx = Vertx.currentContext();
      long wait = cache.policy().collapseWait().toMillis();
      cache.store().lease(key.primary(), wait).onComplete(ar -> OnLoop.run(ctx, () -> {
        if (ar.succeeded() && !ar.result()) { // another replica is fetching it: wait for its entry in the store
          cache.stats().waiting.incrementAndGet();
          poll(ex, key, stale, flight, ctx, System.nanoTime() + wait * 1_000_000);
        } else {
          lead(ex, key, stale, flight, ar.succeeded());
        }
      }));
    }
  }

  private void lead(Exchange ex, CacheKey key, CachedResponse stale, Flights.Flight flight, boolean leased) {
    if (ex.response().closed()) {
      if (flight != null) {
        flight.land(null, null);
      }
      if (leased) {
        cache.store().release(key.primary());
      }
      return;
    }
    MultiMap requestHeaders = HttpHeaders.headers().addAll(ex.request().headers());
    proxy.serve(ex, new CaptureTap(this, ex, key, requestHeaders, stale, flight, leased), conditional(stale));
  }

  private void follow(Exchange ex, CacheKey key, Flights.Flight flight) {
    Context ctx = Vertx.currentContext();
    flight.await(ctx, cache.policy().collapseWait().toMillis(), landing -> {
      if (ex.response().closed()) {
        return;
      }
      if (landing == null) { // nothing to share: go upstream, uncollapsed
        lead(ex, key, null, null, false);
      } else if (landing.entry().vary().length > 0) { // the leader's variant may not be ours
        cache.lookup(key, ex.request().headers()).onComplete(ar -> OnLoop.run(ctx, () -> {
          if (ar.succeeded() && ar.result() != null) {
            cache.stats().collapsed.increment();
            answer(ex, ar.result(), CacheStatus.HIT, cache.now());
          } else {
            lead(ex, key, null, null, false);
          }
        }));
      } else {
        cache.stats().collapsed.increment();
        answer(ex, landing.entry(), landing.status(), cache.now());
      }
    });
  }

  /** Waits for another replica's entry, then serves it; goes upstream itself when none comes in time. */
  private void poll(Exchange ex, CacheKey key, CachedResponse stale, Flights.Flight flight, Context ctx, long until) {
    cache.lookup(key, ex.request().headers()).onComplete(ar -> OnLoop.run(ctx, () -> {
      CachedResponse e = ar.succeeded() ? ar.result() : null;
      if (e != null && (stale == null || e.storedAt() > stale.storedAt())) {
        cache.stats().waiting.decrementAndGet();
        flight.land(e, CacheStatus.HIT);
        cache.stats().collapsed.increment();
        answer(ex, e, CacheStatus.HIT, cache.now());
      } else if (ar.failed() || System.nanoTime() - until > 0 || ex.response().closed()) {
        cache.stats().waiting.decrementAndGet();
        lead(ex, key, stale, flight, false);
      } else {
        ctx.owner().setTimer(POLL_MILLIS, id -> poll(ex, key, stale, flight, ctx, until));
      }
    }));
  }

  /** Answers from an entry and counts it. */
  void answer(Exchange ex, CachedResponse e, CacheStatus s, long now) {
    answer(ex, ex.request().headers(), e, s, now);
  }

  /** Answers from an entry after proxying began: {@code asked} are the client's headers as sent. */
  void answer(Exchange ex, MultiMap asked, CachedResponse e, CacheStatus s, long now) {
    cache.count(s);
    writer.write(ex.request(), asked, e, s, now);
  }

  /** Labels (and counts) an answer the upstream gives. */
  void label(Exchange ex, CacheStatus s) {
    cache.count(s);
    writer.label(ex.response(), s);
  }

  private void bypass(Exchange ex) {
    label(ex, CacheStatus.BYPASS);
  }

  /** Whether the request carried credentials: an Authorization header, or a verified key or certificate. */
  boolean authenticated(Exchange ex) {
    return ex.principal() != null || ex.request().headers().contains(HttpHeaders.AUTHORIZATION);
  }

  /** The headers of an upstream response as stored (as clients get them, without {@code Age}). */
  MultiMap storedHeaders(MultiMap raw, HttpVersion version) {
    MultiMap h = proxy.clientHeaders(raw, version);
    h.remove(HttpHeaders.AGE).remove(HitWriter.X_CACHE);
    return h;
  }

  /** A stale entry after a 304: its headers updated from it, its lifetimes recomputed when the 304 gives them. */
  CachedResponse refresh(CachedResponse stale, MultiMap raw, HttpVersion version, long now) {
    Freshness f;
    if (raw.contains(HttpHeaders.CACHE_CONTROL) || raw.contains(HttpHeaders.EXPIRES)) {
      f = cache.freshness(Directives.parse(raw.getAll(HttpHeaders.CACHE_CONTROL)), raw, now);
    } else {
      Freshness old = stale.freshness();
      Freshness fromAge = cache.freshness(Directives.NONE, raw, now);
      f = new Freshness(old.fresh(), old.swr(), old.sie(), old.noCache(), old.mustRevalidate(), fromAge.initialAge());
    }
    return stale.refreshed(storedHeaders(raw, version), now, f);
  }

  /** The cache's own validators for revalidating {@code stale}; empty (the client's removed) for a miss. */
  static MultiMap conditional(CachedResponse stale) {
    MultiMap h = HttpHeaders.headers();
    if (stale != null && stale.etag() != null) {
      h.set(HttpHeaders.IF_NONE_MATCH, stale.etag());
    }
    if (stale != null && stale.lastModified() != null) {
      h.set(HttpHeaders.IF_MODIFIED_SINCE, stale.lastModified());
    }
    return h;
  }

  /** The client's {@code Cache-Control}, with {@code Pragma: no-cache} read as {@code no-cache} when it has none. */
  private static Directives asked(HttpServerRequest req) {
    java.util.List<String> cc = req.headers().getAll(HttpHeaders.CACHE_CONTROL);
    if (cc.isEmpty() && "no-cache".equalsIgnoreCase(req.getHeader("pragma"))) {
      return Directives.parse(java.util.List.of("no-cache"));
    }
    return cc.isEmpty() ? null : Directives.parse(cc);
  }

  @Override
  public String describe() {
    return cache + " -> " + proxy.describe();
  }
}
