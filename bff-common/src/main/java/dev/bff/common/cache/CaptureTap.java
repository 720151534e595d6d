package dev.bff.common.cache;

import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import dev.bff.common.proxy.ResponseTap;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpHeaders;
import java.util.List;

/**
 * Watches the upstream response of a miss (or of a stale entry's revalidation) as it streams to
 * the client, keeping a copy of the body; stores it when it is complete, storable and within
 * {@code max-object-size}, and lands the flight so collapsed requests are served. A 304 to the
 * cache's conditional request refreshes the stale entry and serves it; a failure or 5xx serves it
 * within its {@code stale-if-error} window.
 */
final class CaptureTap implements ResponseTap {
  private final CachedRoute route;
  private final ResponseCache cache;
  private final Exchange ex;
  private final CacheKey key;
  private final MultiMap requestHeaders; // as the client sent them, before forwarding edits
  private final CachedResponse stale; // being revalidated, or null
  private final Flights.Flight flight; // to land, or null
  private final boolean leased;
  private boolean done;
  private Buffer body; // the copy while capturing, else null
  private boolean sized; // the body's length was declared: its buffer has exactly that capacity
  private int status;
  private MultiMap headers;
  private Freshness freshness;
  private long receivedAt;
  private List<String> tags;
  private List<String> vary;

  CaptureTap(CachedRoute route, Exchange ex, CacheKey key, MultiMap requestHeaders, CachedResponse stale,
      Flights.Flight flight, boolean leased) {
    this.route = route;
    this.cache = route.cache();
    this.ex = ex;
    this.key = key;
    this.requestHeaders = requestHeaders;
    this.stale = stale;
    this.flight = flight;
    this.leased = leased;
  }

  @Override
  public boolean head(int s, MultiMap raw, HttpVersion version) {
    long now = cache.now();
    if (stale != null && s == 304) {
      CachedResponse refreshed = route.refresh(stale, raw, version, now);
      cache.store(key, requestHeaders, refreshed);
      finish(refreshed, CacheStatus.HIT);
      route.answer(ex, requestHeaders, refreshed, CacheStatus.REVALIDATED, now);
      return true;
    }
    if (s >= 500 && stale != null && stale.freshness().servableOnError(stale.age(now))) {
      finish(stale, CacheStatus.STALE);
      route.answer(ex, requestHeaders, stale, CacheStatus.STALE, now);
      return true;
    }
    route.label(ex, CacheStatus.MISS);
    Directives cc = Directives.parse(raw.getAll(HttpHeaders.CACHE_CONTROL));
    Freshness f = cache.freshness(cc, raw, now);
    String refusal = Storable.refusal(s, raw, cc, f, route.authenticated(ex), cache.policy());
    long max = cache.config().maxObjectSize();
    String length = raw.get(HttpHeaders.CONTENT_LENGTH);
    long declared = -1;
    if (length != null) {
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        refusal = "bad content-length";
      }
    }
    if (refusal == null && declared > max) {
      refusal = "larger than max-object-size";
    }
    if (refusal != null) {
      cache.pass(key);
      finish(null, null);
      return false;
    }
    status = s;
    headers = route.storedHeaders(raw, version);
    freshness = f;
    receivedAt = now;
    tags = Storable.tags(raw, cache.policy().tagsHeader());
    vary = Storable.vary(raw);
    sized = declared >= 0;
    body = Buffer.buffer(declared > 0 ? (int) declared : 512);
    return false;
  }

  @Override
  public void chunk(Buffer chunk) {
    if (body == null) {
      return;
    }
    if (body.length() + chunk.length() > cache.config().maxObjectSize()) {
      body = null;
      cache.pass(key);
      finish(null, null);
      return;
    }
    body.appendBuffer(chunk);
  }

  @Override
  public void end() {
    if (body == null) {
      finish(null, null);
      return;
    }
    // a grown buffer may hold twice its length: store an exact copy, so max-bytes weighs what is held
    Buffer kept = sized ? body : body.copy();
    CachedResponse entry = CachedResponse.of(status, headers, kept, receivedAt, freshness, tags, vary);
    body = null;
    cache.store(key, requestHeaders, entry);
    finish(entry, CacheStatus.HIT);
  }

  @Override
  public void abort() {
    body = null;
    finish(null, null);
  }

  @Override
  public boolean failed(Category category) {
    long now = cache.now();
    if (stale != null && stale.freshness().servableOnError(stale.age(now))) {
      finish(stale, CacheStatus.STALE);
      route.answer(ex, requestHeaders, stale, CacheStatus.STALE, now);
      return true;
    }
    finish(null, null);
    route.label(ex, CacheStatus.MISS); // on the problem the proxy answers
    return false;
  }

  /** Lands the flight and gives the lease back, once. */
  private void finish(CachedResponse entry, CacheStatus s) {
    if (done) {
      return;
    }
    done = true;
    if (flight != null) {
      flight.land(entry, s);
    }
    if (leased) {
      cache.store().release(key.primary());
    }
  }
}
