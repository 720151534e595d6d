package dev.bff.common.server;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * HTTP/1.x body framing the gateway refuses because a proxy in front of it or the upstream behind
 * it could read the body's length differently (request smuggling, RFC 9112 section 6): a
 * {@code Transfer-Encoding} other than exactly {@code chunked}, one next to a
 * {@code Content-Length}, or one in an HTTP/1.0 request. Duplicated or malformed Content-Length
 * headers never get this far: the decoder refuses them (see {@link Front#invalid}).
 */
final class Framing {
  private Framing() {}

  /**
   * What is wrong with the framing of an HTTP/1.x request whose (first) Transfer-Encoding is
   * {@code te}, or null when it is unambiguous. HTTP/2 has none to check: frames delimit the body and
   * Netty refuses Transfer-Encoding there.
   */
  static String problem(HttpServerRequest req, String te) {
    MultiMap h = req.headers();
    if (req.version() == HttpVersion.HTTP_1_0) {
      return "Transfer-Encoding is not allowed in an HTTP/1.0 request";
    }
    if (h.contains(HttpHeaders.CONTENT_LENGTH)) {
      return "a request must not have both Content-Length and Transfer-Encoding";
    }
    // exactly one "chunked": no other coding (gzip, chunked), no repetition, no folded or padded value
    if (!"chunked".equalsIgnoreCase(te) || h.getAll(HttpHeaders.TRANSFER_ENCODING).size() > 1) {
      return "Transfer-Encoding must be exactly 'chunked'";
    }
    return null;
  }
}
