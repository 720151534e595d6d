package dev.bff.common.cache;

import dev.bff.common.proxy.ResponseTap;
import dev.bff.common.routing.Category;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpVersion;

/**
 * Invalidates a URI's entry when an unsafe request to it (POST, PUT, PATCH, DELETE) succeeds
 * (RFC 9111 4.4: a 2xx or 3xx answer): the entry under the request's own key (with its variants),
 * found without a scan; the response itself passes through untouched. Entries of other callers of
 * a {@code per-user} route expire by themselves (or are purged).
 */
final class InvalidationTap implements ResponseTap {
  private final ResponseCache cache;
  private final String key;

  InvalidationTap(ResponseCache cache, String key) {
    this.cache = cache;
    this.key = key;
  }

  @Override
  public boolean head(int status, MultiMap headers, HttpVersion version) {
    if (status < 400) {
      cache.store().remove(key).onFailure(t -> cache.stats().storeErrors.increment());
    }
    return false;
  }

  @Override
  public void chunk(Buffer chunk) {
  }

  @Override
  public void end() {
  }

  @Override
  public void abort() {
  }

  @Override
  public boolean failed(Category category) {
    return false;
  }
}
