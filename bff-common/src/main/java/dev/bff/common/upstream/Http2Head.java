package dev.bff.common.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;

/**
 * Fits a request head to HTTP/2 (RFC 9113 section 8.2.2 and 8.3.1): the connection-specific fields
 * ({@code Connection} and those it names, {@code Keep-Alive}, {@code Proxy-Connection},
 * {@code Transfer-Encoding}, {@code Upgrade}, and {@code TE} other than {@code trailers}) make the
 * request malformed and are removed; a {@code Host} header becomes the {@code :authority}.
 */
public final class Http2Head {
  private Http2Head() {}

  /** Adapts {@code req} when its connection speaks HTTP/2; an HTTP/1.x request is left alone. */
  public static HttpClientRequest adapt(HttpClientRequest req) {
    if (req.version() != HttpVersion.HTTP_2) {
      return req;
    }
    MultiMap h = req.headers();
    if (h.isEmpty()) {
      return req;
    }
    String host = h.get(HttpHeaders.HOST);
    if (host != null) {
      h.remove(HttpHeaders.HOST);
      // as a header it would travel next to the :authority Vert.x derives from the pool's instance
      HostAndPort authority = HostAndPort.parseAuthority(host.trim(), -1);
      if (authority != null) {
        req.authority(authority);
      }
    }
    if (h.contains(HttpHeaders.CONNECTION)) {
      for (String v : h.getAll(HttpHeaders.CONNECTION)) {
        for (String token : v.split(",")) {
          String t = token.trim();
          if (!t.isEmpty()) {
            h.remove(t);
          }
        }
      }
      h.remove(HttpHeaders.CONNECTION);
    }
    h.remove("keep-alive").remove("proxy-connection").remove(HttpHeaders.TRANSFER_ENCODING).remove("upgrade");
    String te = h.get("te");
    if (te != null && (h.getAll("te").size() > 1 || !te.trim().equalsIgnoreCase("trailers"))) {
      h.remove("te");
    }
    return req;
  }
}
