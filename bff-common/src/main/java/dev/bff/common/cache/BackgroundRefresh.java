package dev.bff.common.cache;

import dev.bff.common.upstream.UpstreamResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import java.util.function.Supplier;

/**
 * The one background request refreshing a stale entry of a proxied route while clients are served
 * the stale copy (stale-while-revalidate): conditional when the entry has validators; a 304 renews
 * the entry, a storable answer replaces it, anything else leaves it as it is. With a shared store,
 * a lease makes it one request across the replicas too.
 */
final class BackgroundRefresh {
  private final ResponseCache cache;
  private final CacheKey key;
  private final MultiMap requestHeaders;
  private final CachedResponse stale;
  private final CachedRoute route;
  private final boolean authenticated;

  BackgroundRefresh(ResponseCache cache, CacheKey key, MultiMap requestHeaders, CachedResponse stale,
      CachedRoute route, boolean authenticated) {
    this.cache = cache;
    this.key = key;
    this.requestHeaders = requestHeaders;
    this.stale = stale;
    this.route = route;
    this.authenticated = authenticated;
  }

  /** Sends the request (once the lease, if any, is had) and stores what may be stored. */
  void run(Supplier<Future<UpstreamResponse>> send) {
    String lease = "refresh " + key.primary();
    Future<Boolean> mine = cache.store().shared()
        ? cache.store().lease(lease, cache.policy().collapseWait().toMillis()).otherwise(true)
        : Future.succeededFuture(true);
    Context ctx = Vertx.currentContext(); // the request's event loop, whose upstream pool sends it
    mine.onComplete(ar -> OnLoop.run(ctx, () -> {
      if (!ar.result()) { // another replica refreshes it
        cache.refreshed(key);
        return;
      }
      cache.stats().refreshes.increment();
      send.get().onSuccess(this::store).onComplete(x -> {
        if (cache.store().shared()) {
          cache.store().release(lease);
        }
        cache.refreshed(key);
      });
    }));
  }

  private void store(UpstreamResponse r) {
    long now = cache.now();
    if (r.status() == 304) {
      cache.store(key, requestHeaders, route.refresh(stale, r.headers(), HttpVersion.HTTP_1_1, now));
      return;
    }
    MultiMap raw = r.headers();
    Directives cc = Directives.parse(raw.getAll(HttpHeaders.CACHE_CONTROL));
    Freshness f = cache.freshness(cc, raw, now);
    if (Storable.refusal(r.status(), raw, cc, f, authenticated, cache.policy()) != null
        || r.body().length() > cache.config().maxObjectSize()) {
      return;
    }
    cache.store(key, requestHeaders, CachedResponse.of(r.status(), route.storedHeaders(raw, HttpVersion.HTTP_1_1),
        r.body(), now, f, Storable.tags(raw, cache.policy().tagsHeader()), Storable.vary(raw)));
  }
}
