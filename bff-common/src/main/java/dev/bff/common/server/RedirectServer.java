package dev.bff.common.server;

import dev.bff.common.config.ServerConfig;
import dev.bff.common.proxy.Bodies;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The plain-HTTP listener of {@code server.http-redirect}: every request is answered with
 * {@code 308 Permanent Redirect} (which, unlike 301, keeps the method and body) to the same host,
 * path and query on the TLS listener; a request without a valid {@code Host} gets 400. It serves
 * nothing else. HTTP/1.x only: browsers never speak h2c, and a Host header is then always there.
 */
final class RedirectServer {
  private static final String REQUEST_ID = "x-request-id";
  private static final Pattern REG_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*]");
  private static final Pattern PORT = Pattern.compile("\\d{0,5}");

  private final Vertx vertx;
  private final int httpsPort;
  private HttpServer server;

  /** A redirect listener pointing at the TLS listener on {@code httpsPort}. */
  RedirectServer(Vertx vertx, int httpsPort) {
    this.vertx = vertx;
    this.httpsPort = httpsPort;
  }

  Future<HttpServer> start(ServerConfig sc) {
    server = vertx.createHttpServer(new HttpServerOptions()
        .setMaxInitialLineLength(sc.limits().maxRequestLine())
        .setMaxHeaderSize(sc.limits().maxHeaderSize())
        .setIdleTimeout((int) Math.max(1, sc.idleTimeout().toSeconds()))
        .setHttp2ClearTextEnabled(false));
    server.requestHandler(this::handle).invalidRequestHandler(this::invalid);
    return server.listen(sc.httpRedirect().port(), sc.httpRedirect().host());
  }

  /** The bound port. */
  int port() {
    return server.actualPort();
  }

  /** Stops accepting and lets requests in flight finish for up to {@code drainMillis}. */
  Future<Void> shutdown(long drainMillis) {
    return server == null ? Future.succeededFuture() : server.shutdown(drainMillis, TimeUnit.MILLISECONDS);
  }

  private void handle(HttpServerRequest req) {
    HttpServerResponse resp = req.response();
    String rid = RequestIds.generate();
    resp.putHeader(REQUEST_ID, rid);
    boolean unreadBody = !req.isEnded() && Bodies.hasBody(req);
    if (unreadBody) { // nobody reads it here: the connection cannot be reused
      resp.putHeader(HttpHeaders.CONNECTION, "close");
    }
    String uri = req.uri();
    String location = uri.startsWith("/") && req.headers().getAll(HttpHeaders.HOST).size() == 1
        ? location(req.getHeader(HttpHeaders.HOST), httpsPort, uri) : null;
    Future<Void> sent;
    if (location == null) {
      sent = Problem.send(resp, Category.BAD_REQUEST, uri.startsWith("/") ? "the request has no valid Host header"
          : "the request target must be a path", null, rid);
    } else {
      sent = resp.setStatusCode(308).putHeader(HttpHeaders.LOCATION, location)
          .putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
    }
    if (unreadBody) {
      sent.onComplete(v -> req.connection().close());
    }
  }

  private void invalid(HttpServerRequest req) {
    HttpServerResponse resp = req.response();
    String rid = RequestIds.generate();
    resp.putHeader(REQUEST_ID, rid).putHeader(HttpHeaders.CONNECTION, "close");
    Problem.send(resp, Category.BAD_REQUEST, "the request is not valid HTTP", null, rid)
        .onComplete(v -> req.connection().close());
  }

  /**
   * {@code https://} + the host of {@code hostHeader} (its port dropped) + {@code :httpsPort}
   * unless 443 + {@code pathAndQuery}; null when the Host header is not a valid host.
   */
  static String location(String hostHeader, int httpsPort, String pathAndQuery) {
    String host = host(hostHeader);
    if (host == null) {
      return null;
    }
    return "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + pathAndQuery;
  }

  /** The host of a Host header value ({@code name}, {@code 1.2.3.4} or {@code [v6]}, each with an optional port). */
  static String host(String hostHeader) {
    if (hostHeader == null) {
      return null;
    }
    String v = hostHeader.trim();
    String host;
    String port = "";
    if (v.startsWith("[")) {
      int end = v.indexOf(']');
      host = end < 0 ? "" : v.substring(0, end + 1);
      String rest = end < 0 ? "" : v.substring(end + 1);
      if (!rest.isEmpty()) {
        if (rest.charAt(0) != ':') {
          return null;
        }
        port = rest.substring(1);
      }
      if (!IPV6.matcher(host).matches()) {
        return null;
      }
    } else {
      int colon = v.indexOf(':');
      host = colon < 0 ? v : v.substring(0, colon);
      port = colon < 0 ? "" : v.substring(colon + 1);
      if (!REG_NAME.matcher(host).matches()) {
        return null;
      }
    }
    return PORT.matcher(port).matches() ? host : null;
  }
}
