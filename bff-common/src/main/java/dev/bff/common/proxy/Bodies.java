package dev.bff.common.proxy;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/** Whether a client request carries a body to stream. */
public final class Bodies {
  private Bodies() {}

  /** True when the request has a non-empty body (by Content-Length, chunked framing, or an open HTTP/2 stream). */
  public static boolean hasBody(HttpServerRequest req) {
    String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (cl != null) {
      return !"0".equals(cl);
    }
    if (req.version() == HttpVersion.HTTP_2) {
      return !req.isEnded();
    }
    return req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }
}
