package dev.bff.common.files;

import dev.bff.common.config.HeaderOps;
import dev.bff.common.config.RouteConfig;
import dev.bff.common.config.ServerConfig.CompressionConfig;
import dev.bff.common.config.StaticConfig;
import dev.bff.common.proxy.Compression;
import dev.bff.common.proxy.HeaderEdits;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Target;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A static route compiled for one event loop: finds the file the request names, then answers 200,
 * 206 (one byte range), 304 (not modified), 404 (nothing there: missing, hidden, a directory without
 * its index, outside the directory) or 416 (a range past the end). Every answer with a file carries
 * {@code Content-Type}, {@code Cache-Control}, {@code Last-Modified}, {@code ETag} (unless off) and
 * {@code Accept-Ranges: bytes}. A compressible file is compressed whole for a client that accepts it
 * (its tag then names the coding); a byte range is always of the unencoded file and never compressed.
 * HEAD describes the unencoded file.
 */
public final class StaticTarget implements Target {
  private static final Logger LOG = LoggerFactory.getLogger(StaticTarget.class);
  private static final CharSequence BYTES = HttpHeaders.createOptimized("bytes");
  private static final CharSequence RANGE = HttpHeaders.createOptimized("Range");
  private static final CharSequence IF_RANGE = HttpHeaders.createOptimized("If-Range");

  private final StaticFiles files;
  private final StaticConfig config;
  private final CompressionConfig compression;
  private final HeaderOps responseHeaders;
  private final String cacheControl;

  /**
   * Compiles a static route.
   *
   * @param route       the route's configuration (its {@code static} block, auth and response headers)
   * @param files       the directory, opened at start-up
   * @param compression the server's compression settings
   */
  public StaticTarget(RouteConfig route, StaticFiles files, CompressionConfig compression) {
    this.files = files;
    this.config = route.staticContent();
    this.compression = compression;
    this.responseHeaders = route.responseHeaders();
    // a copy for whoever may call the route: shared caches only when anyone may
    String scope = route.auth().isPublic() ? "public" : "private";
    long seconds = config.maxAge().toSeconds();
    this.cacheControl = seconds == 0 ? (scope.equals("public") ? "no-cache" : "private, no-cache")
        : scope + ", max-age=" + seconds;
  }

  @Override
  public void serve(Exchange ex) {
    HttpMethod m = ex.request().method();
    if (m != HttpMethod.GET && m != HttpMethod.HEAD) { // the route's methods keep others out; this is a backstop
      ex.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
      ex.refuse(Category.METHOD_NOT_ALLOWED, "a static route answers GET and HEAD only");
      return;
    }
    ex.closeIfBodyUnread(); // a GET with a body: answered without reading it
    FilePath path = FilePath.of(ex.match() == null ? null : ex.match().rest());
    if (path == null) {
      ex.fail(Category.NOT_FOUND, "no such file");
      return;
    }
    ex.whenDone(files.find(path), f -> {
      if (f.failed()) {
        LOG.error("static route {} could not look up a file (request {})", ex.route().id(), ex.requestId(), f.cause());
        ex.fail(Category.INTERNAL, "the file could not be read; see the gateway log for request " + ex.requestId());
      } else if (f.result() == null) {
        ex.fail(Category.NOT_FOUND, "no such file");
      } else {
        answer(ex, f.result());
      }
    });
  }

  private void answer(Exchange ex, StaticFile file) {
    HttpServerRequest req = ex.request();
    HttpServerResponse resp = ex.response();
    if (resp.ended() || resp.closed()) {
      return; // the client left during the look-up
    }
    MultiMap h = resp.headers();
    long size = file.size();
    boolean get = req.method() == HttpMethod.GET;
    String identityTag = config.etag() == StaticConfig.ETagKind.OFF ? null : tag(file, null);
    ByteRange range = get ? ByteRange.of(req.getHeader(RANGE), size) : null;
    if (range != null && !Validators.rangeHolds(req.getHeader(IF_RANGE), identityTag, file.lastModified())) {
      range = null; // the client's copy is not this one: it gets all of this one
    }
    h.set(HttpHeaders.CONTENT_TYPE, file.mediaType());
    h.set(HttpHeaders.CONTENT_LENGTH, Long.toString(range != null && range.satisfiable() ? range.length() : size));
    boolean compressed = false;
    if (range != null || !get || req.version() == HttpVersion.HTTP_1_0) {
      Compression.keepIdentity(compression, req, h);
    } else {
      compressed = Compression.decide(compression, req, h);
    }
    String tag = identityTag == null ? null
        : compressed ? tag(file, Compression.coding(req.getHeader(HttpHeaders.ACCEPT_ENCODING))) : identityTag;
    if (tag != null) {
      h.set(HttpHeaders.ETAG, tag);
    }
    h.set(HttpHeaders.LAST_MODIFIED, Validators.httpDate(file.lastModified()));
    h.set(HttpHeaders.CACHE_CONTROL, cacheControl);
    h.set(HttpHeaders.ACCEPT_RANGES, BYTES);
    HeaderEdits.apply(responseHeaders, h);
    if (Validators.notModified(req.getHeader(HttpHeaders.IF_NONE_MATCH), req.getHeader(HttpHeaders.IF_MODIFIED_SINCE),
        tag, file.lastModified())) {
      notModified(resp);
      return;
    }
    if (range != null && !range.satisfiable()) {
      h.remove(HttpHeaders.ETAG).remove(HttpHeaders.LAST_MODIFIED).set(HttpHeaders.CONTENT_RANGE, range.contentRange());
      ex.fail(Category.RANGE_NOT_SATISFIABLE, "the file has " + size + " bytes; the range asks for none of them");
      return;
    }
    long offset = 0;
    long length = size;
    if (range != null) {
      resp.setStatusCode(206);
      h.set(HttpHeaders.CONTENT_RANGE, range.contentRange());
      offset = range.start();
      length = range.length();
    }
    if (!get) {
      resp.end();
      return;
    }
    boolean headFirst = compressed && req.version() == HttpVersion.HTTP_1_1;
    file.send(resp, offset, length, headFirst).onFailure(t -> {
      if (!resp.closed()) { // a client that left is no error
        LOG.warn("static route {} failed to send a file (request {}): {}", ex.route().id(), ex.requestId(),
            t.toString());
        ex.fail(Category.INTERNAL, "the file could not be sent; see the gateway log for request " + ex.requestId());
      }
    });
  }

  /** 304: the validators and caching headers a 200 would carry, nothing about a body. */
  private static void notModified(HttpServerResponse resp) {
    MultiMap h = resp.headers();
    h.remove(HttpHeaders.CONTENT_LENGTH).remove(HttpHeaders.CONTENT_TYPE).remove(HttpHeaders.ACCEPT_RANGES);
    if (HttpHeaders.IDENTITY.toString().equals(h.get(HttpHeaders.CONTENT_ENCODING))) {
      h.remove(HttpHeaders.CONTENT_ENCODING);
    }
    resp.setStatusCode(304).end();
  }

  private String tag(StaticFile file, String coding) {
    return Validators.entityTag(file.tag(), config.etag() == StaticConfig.ETagKind.WEAK, coding);
  }

  @Override
  public String describe() {
    return "static " + files.describe() + " cache-control=\"" + cacheControl + "\" etag="
        + config.etag().name().toLowerCase(java.util.Locale.ROOT)
        + (responseHeaders.isEmpty() ? "" : " response-headers{" + responseHeaders + "}");
  }
}
