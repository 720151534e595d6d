package dev.bff.common.proxy;

import dev.bff.common.config.ServerConfig.CompressionConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Decides per response whether the server's gzip/deflate encoder may compress it: only for
 * clients that accept it, bodies not already encoded, compressible content types, and bodies not
 * known (by Content-Length) to be under {@code min-size}. The encoder skips a response marked
 * {@code Content-Encoding: identity} (and drops that marker). Responses of a compressible type
 * carry {@code Vary: Accept-Encoding} whether or not this client's copy was compressed.
 */
public final class Compression {
  private Compression() {}

  /**
   * Marks the response as not to be compressed unless its type is compressible and its declared
   * length is not under {@code min-size}.
   *
   * @return whether the encoder may compress it (the client sent Accept-Encoding and nothing forbids it)
   */
  public static boolean decide(CompressionConfig config, HttpServerRequest req, MultiMap responseHeaders) {
    return decide(config, req.getHeader(HttpHeaders.ACCEPT_ENCODING), responseHeaders);
  }

  /**
   * Like {@link #decide(CompressionConfig, HttpServerRequest, MultiMap)}, with the client's
   * {@code Accept-Encoding} as it sent it (the proxy may have changed the request's own headers).
   */
  public static boolean decide(CompressionConfig config, String acceptEncoding, MultiMap responseHeaders) {
    if (!config.enabled() || responseHeaders.contains(HttpHeaders.CONTENT_ENCODING)) {
      return false;
    }
    String type = responseHeaders.get(HttpHeaders.CONTENT_TYPE);
    boolean eligible = type != null && compressible(config, type);
    if (eligible) {
      varyOnAcceptEncoding(responseHeaders); // caches must key this response by Accept-Encoding
    }
    if (acceptEncoding == null) {
      return false;
    }
    if (!eligible || knownSmall(config, responseHeaders)) {
      responseHeaders.set(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
      return false;
    }
    return true;
  }

  /**
   * Marks a response the encoder must send as it is (a byte range of the unencoded file, which a
   * compressor would turn into bytes no {@code Content-Range} describes), keeping
   * {@code Vary: Accept-Encoding} when its type is compressible. The marker is only set where the
   * encoder runs and drops it: not for HEAD, nor for HTTP/1.0, which Netty's encoder passes through.
   */
  public static void keepIdentity(CompressionConfig config, HttpServerRequest req, MultiMap responseHeaders) {
    if (!config.enabled() || responseHeaders.contains(HttpHeaders.CONTENT_ENCODING)) {
      return;
    }
    String type = responseHeaders.get(HttpHeaders.CONTENT_TYPE);
    if (type != null && compressible(config, type)) {
      varyOnAcceptEncoding(responseHeaders);
    }
    if (req.getHeader(HttpHeaders.ACCEPT_ENCODING) != null && req.method() != io.vertx.core.http.HttpMethod.HEAD
        && req.version() != io.vertx.core.http.HttpVersion.HTTP_1_0) {
      responseHeaders.set(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
    }
  }

  /**
   * The content coding the server's encoder picks for an {@code Accept-Encoding} value (gzip or
   * deflate), or null for none; the same choice as Netty's {@code HttpContentCompressor} with the
   * gzip and deflate encoders the gateway configures.
   */
  public static String coding(String acceptEncoding) {
    if (acceptEncoding == null) {
      return null;
    }
    float star = -1;
    float other = -1; // br, zstd, snappy: recognised, but the gateway configures no encoder for them
    float gzip = -1;
    float deflate = -1;
    for (String e : acceptEncoding.split(",")) {
      float q = 1;
      int eq = e.indexOf('=');
      if (eq != -1) {
        try {
          q = Float.parseFloat(e.substring(eq + 1));
        } catch (NumberFormatException x) {
          q = 0;
        }
      }
      if (e.contains("*")) {
        star = q;
      } else if (e.contains("br") || e.contains("zstd") || e.contains("snappy")) {
        other = Math.max(other, q);
      } else if (e.contains("gzip") && q > gzip) {
        gzip = q;
      } else if (e.contains("deflate") && q > deflate) {
        deflate = q;
      }
    }
    if (other > 0 || gzip > 0 || deflate > 0) {
      if (gzip != -1 && gzip >= deflate) {
        return "gzip";
      }
      if (deflate != -1) {
        return "deflate";
      }
    }
    if (star > 0) {
      if (gzip == -1) {
        return "gzip";
      }
      if (deflate == -1) {
        return "deflate";
      }
    }
    return null;
  }

  private static void varyOnAcceptEncoding(MultiMap headers) {
    for (String v : headers.getAll(HttpHeaders.VARY)) {
      for (String token : v.split(",")) {
        String t = token.trim();
        if (t.equals("*") || t.equalsIgnoreCase("accept-encoding")) {
          return;
        }
      }
    }
    headers.add(HttpHeaders.VARY, "Accept-Encoding");
  }

  // the HTTP/1 encoder judges min-size by the first chunk only, the HTTP/2 one not at all
  private static boolean knownSmall(CompressionConfig config, MultiMap headers) {
    String cl = headers.get(HttpHeaders.CONTENT_LENGTH);
    if (cl == null) {
      return false;
    }
    try {
      return Long.parseLong(cl.trim()) < config.minSize();
    } catch (NumberFormatException e) {
      return false;
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
