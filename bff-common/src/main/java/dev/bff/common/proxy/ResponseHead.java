package dev.bff.common.proxy;

import dev.bff.common.config.ServerConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.Map;

/**
 * The head of a proxied response: the upstream's headers less hop-by-hop ones (and those named in
 * its {@code Connection}), {@code Via} extended, the route's response header edits, the compression
 * decision, and the framing the client connection needs.
 */
final class ResponseHead {
  private ResponseHead() {}

  /** Headers the gateway sets itself: the upstream's copies would duplicate or contradict them. */
  private static boolean ownedByGateway(String name, ProxyTarget.ProxySettings settings) {
    ServerConfig sc = settings.server();
    if (sc.cors() != null && name.regionMatches(true, 0, "access-control-", 0, 15)) {
      return true;
    }
    return sc.securityHeaders() && (name.equalsIgnoreCase("x-content-type-options")
        || name.equalsIgnoreCase("strict-transport-security"));
  }

  /**
   * Copies the upstream response head ({@code headers}, as the upstream sent them or as a body edit
   * left them) onto the client response; {@code acceptEncoding} is the client's, as it sent it.
   */
  static void copy(MultiMap headers, HttpVersion upstreamVersion, int status, HttpServerRequest req,
      String acceptEncoding, HttpServerResponse resp, ProxyTarget.ProxySettings settings) {
    MultiMap out = resp.headers();
    filter(headers, out, upstreamVersion, settings);
    boolean compress = Compression.decide(settings.server().compression(), acceptEncoding, out);
    boolean bodiless = status == 204 || status == 304 || status < 200 || req.method() == HttpMethod.HEAD;
    if (!bodiless && !out.contains(HttpHeaders.CONTENT_LENGTH) && req.version() != HttpVersion.HTTP_2) {
      if (req.version() == HttpVersion.HTTP_1_0) {
        resp.putHeader(HttpHeaders.CONNECTION, "close");
      }
      resp.setChunked(true);
    }
    if (compress && !bodiless && req.version() == HttpVersion.HTTP_1_1) {
      resp.writeHead(); // alone, so the encoder does not judge min-size by a small first chunk
    }
  }

  /**
   * Adds the upstream headers {@code in} that a client gets to {@code out}: without hop-by-hop and
   * gateway-owned ones, with {@code Via} extended and the route's response header edits applied.
   */
  static void filter(MultiMap in, MultiMap out, HttpVersion upstreamVersion, ProxyTarget.ProxySettings settings) {
    for (Map.Entry<String, String> e : in) {
      String name = e.getKey();
      if (!HopByHop.is(name) && !name.equalsIgnoreCase("x-request-id") && !ownedByGateway(name, settings)) {
        out.add(name, e.getValue());
      }
    }
    if (in.contains(HttpHeaders.CONNECTION)) {
      for (String v : in.getAll(HttpHeaders.CONNECTION)) {
        for (String t : v.split(",")) {
          out.remove(t.trim());
        }
      }
    }
    String via = out.get("via");
    String me = Forwarding.viaEntry(upstreamVersion);
    out.set("via", via == null ? me : via + ", " + me);
    HeaderEdits.apply(settings.responseOps(), out);
  }
}
