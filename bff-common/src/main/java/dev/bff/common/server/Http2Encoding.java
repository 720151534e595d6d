package dev.bff.common.server;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Keeps HTTP/2 answers labelled as they are encoded, around a Vert.x 5.0.7 bug
 * (eclipse-vertx/vert.x#5896, fixed in 5.0.12, which is not available here): on an HTTP/2
 * connection, the first answer sent without compression (one marked {@code identity}, one already
 * encoded by the upstream, or one to a client accepting no compression) switches the connection's
 * encoder to plain for good, while later answers are still labelled {@code gzip}. So once a
 * connection has sent one plain answer, every later answer on it is marked {@code identity} too
 * (Vert.x drops the marker): they go out uncompressed and say so. Before that, answers are
 * compressed as usual. The connections of this event loop are remembered weakly, across reloads.
 */
final class Http2Encoding {
  private static final ThreadLocal<Set<HttpConnection>> PLAIN =
      ThreadLocal.withInitial(() -> Collections.newSetFromMap(new WeakHashMap<>()));

  private Http2Encoding() {}

  /** Watches the answer to an HTTP/2 request (call on its event loop, before the answer starts). */
  static void watch(HttpServerRequest req) {
    HttpConnection conn = req.connection();
    HttpServerResponse resp = req.response();
    resp.headersEndHandler(v -> settle(conn, resp, req.getHeader(HttpHeaders.ACCEPT_ENCODING)));
  }

  private static void settle(HttpConnection conn, HttpServerResponse resp, String acceptEncoding) {
    Set<HttpConnection> plain = PLAIN.get();
    String encoding = resp.headers().get(HttpHeaders.CONTENT_ENCODING);
    if (encoding == null) {
      if (plain.contains(conn)) {
        resp.headers().set(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
      } else if (!compressible(acceptEncoding)) {
        plain.add(conn); // this answer goes out plain: so must all later ones
      }
    } else {
      plain.add(conn);
    }
  }

  /** Whether Vert.x would compress for this {@code Accept-Encoding} (gzip or deflate). */
  private static boolean compressible(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    String a = acceptEncoding.toLowerCase(java.util.Locale.ROOT);
    return a.contains("gzip") || a.contains("deflate") || a.contains("*");
  }
}
