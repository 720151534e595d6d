package dev.bff.common.proxy;

import dev.bff.common.config.ServerConfig.CompressionConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Decides per response whether the server's gzip/deflate encoder may compress it: only for
 * clients that accept it, bodies not already encoded, and compressible content types. The encoder
 * skips a response marked {@code Content-Encoding: identity} (and drops that marker).
 */
public final class Compression {
  private Compression() {}

  /** Marks the response as not to be compressed unless its type is compressible. */
  public static void decide(CompressionConfig config, HttpServerRequest req, MultiMap responseHeaders) {
    if (!config.enabled() || responseHeaders.contains(HttpHeaders.CONTENT_ENCODING)
        || req.getHeader(HttpHeaders.ACCEPT_ENCODING) == null) {
      return;
    }
    String type = responseHeaders.get(HttpHeaders.CONTENT_TYPE);
    if (type == null || !compressible(config, type)) {
      responseHeaders.set(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
    }
  }

  /** Whether a content type is in the configured compressible list (prefix match, case-insensitive). */
  public static boolean compressible(CompressionConfig config, String type) {
    for (String t : config.types()) {
      if (type.regionMatches(true, 0, t, 0, t.length())) {
        return true;
      }
    }
    return false;
  }
}
