package dev.bff.common.cache;

import dev.bff.common.config.ServerConfig.CompressionConfig;
import dev.bff.common.proxy.Compression;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a stored response to a client: its status, headers and body as stored, {@code Age}, the
 * {@code X-Cache} label, the server's compression decision, and {@code 304 Not Modified} when the
 * client's {@code If-None-Match} (else {@code If-Modified-Since}) matches the entry.
 */
final class HitWriter {
  /** The label header. */
  static final String X_CACHE = "X-Cache";

  private final CompressionConfig compression;
  private final boolean label;

  HitWriter(CompressionConfig compression, boolean label) {
    this.compression = compression;
    this.label = label;
  }

  /** Labels a response the cache did not answer itself (MISS, BYPASS). */
  void label(HttpServerResponse resp, CacheStatus s) {
    if (label) {
      resp.headers().set(X_CACHE, s.name());
    }
  }

  /**
   * Answers {@code req} from {@code e}; {@code asked} are the request headers as the client sent
   * them (proxying edits the request's own map, and puts the cache's validators in it).
   */
  void write(HttpServerRequest req, MultiMap asked, CachedResponse e, CacheStatus s, long now) {
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    MultiMap out = resp.headers();
    e.copyHeaders(out);
    out.set(HttpHeaders.AGE, Long.toString(e.age(now) / 1000));
    if (label) {
      out.set(X_CACHE, s.name());
    }
    if (e.status() >= 200 && e.status() < 300 && notModified(asked, e)) {
      resp.setStatusCode(304);
      out.remove(HttpHeaders.CONTENT_LENGTH).remove(HttpHeaders.CONTENT_TYPE);
      resp.end();
      return;
    }
    resp.setStatusCode(e.status());
    boolean bodiless = e.status() == 204;
    if (bodiless) {
      out.remove(HttpHeaders.CONTENT_LENGTH);
    } else {
      out.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(e.body().length()));
      Compression.decide(compression, asked.get(HttpHeaders.ACCEPT_ENCODING), out);
    }
    if (req.method() == HttpMethod.HEAD || bodiless) {
      resp.end();
    } else {
      resp.end(e.body());
    }
  }

  /** Whether the client's copy is the entry's (RFC 9110 13.2.2: If-None-Match first, then If-Modified-Since). */
  static boolean notModified(MultiMap asked, CachedResponse e) {
    String inm = asked.get(HttpHeaders.IF_NONE_MATCH);
    if (inm != null) {
      return e.etag() != null && ETags.matches(inm, e.etag());
    }
    String ims = asked.get(HttpHeaders.IF_MODIFIED_SINCE);
    if (ims == null || e.lastModified() == null) {
      return false;
    }
    long since = Freshness.httpDate(ims);
    long modified = Freshness.httpDate(e.lastModified());
    return since >= 0 && modified >= 0 && modified <= since;
  }
}
