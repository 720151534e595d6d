package dev.bff.common.websocket;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;

/** What a WebSocket opening handshake (RFC 6455 4.1) looks like, read from a client's request. */
final class Handshake {
  /** The only version RFC 6455 defines. */
  static final String VERSION = "13";
  static final String KEY = "sec-websocket-key";
  static final String VERSION_HEADER = "sec-websocket-version";
  static final String PROTOCOL = "sec-websocket-protocol";
  static final String EXTENSIONS = "sec-websocket-extensions";
  static final String ACCEPT = "sec-websocket-accept";

  private Handshake() {}

  /** Whether {@code req} asks to become a WebSocket: HTTP/1.x with {@code Upgrade: websocket}. */
  static boolean requested(HttpServerRequest req) {
    if (req.version() == HttpVersion.HTTP_2) {
      return false;
    }
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    return upgrade != null && hasToken(upgrade, "websocket");
  }

  /** Why a request that asks to become a WebSocket is not a valid handshake, or null when it is one. */
  static String problem(HttpServerRequest req) {
    if (req.method() != HttpMethod.GET) {
      return "a WebSocket handshake must be a GET, was " + req.method().name();
    }
    if (req.version() != HttpVersion.HTTP_1_1) {
      return "a WebSocket handshake must be HTTP/1.1";
    }
    String connection = String.join(",", req.headers().getAll(HttpHeaders.CONNECTION));
    if (!hasToken(connection, "upgrade")) {
      return "a WebSocket handshake needs Connection: Upgrade";
    }
    String key = req.getHeader(KEY);
    if (key == null || key.isBlank()) {
      return "a WebSocket handshake needs a Sec-WebSocket-Key";
    }
    if (unsupportedVersion(req)) {
      return "WebSocket version " + trimmed(req.getHeader(VERSION_HEADER)) + " is not supported; use " + VERSION;
    }
    return null;
  }

  /** Whether the handshake asks for a version other than 13 (or none). */
  static boolean unsupportedVersion(HttpServerRequest req) {
    return !VERSION.equals(trimmed(req.getHeader(VERSION_HEADER)));
  }

  /** The subprotocols the client offers ({@code Sec-WebSocket-Protocol}), in its order; empty when none. */
  static List<String> subprotocols(HttpServerRequest req) {
    List<String> out = new ArrayList<>();
    for (String v : req.headers().getAll(PROTOCOL)) {
      for (String p : v.split(",")) {
        String t = p.trim();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /**
   * Removes from headers bound upstream those of the client's handshake: the gateway's own
   * handshake with the upstream sets its key, version and subprotocols, and offers no extensions.
   */
  static MultiMap strip(MultiMap headers) {
    return headers.remove(KEY).remove(VERSION_HEADER).remove(PROTOCOL).remove(EXTENSIONS).remove(ACCEPT);
  }

  private static boolean hasToken(String list, String token) {
    for (String t : list.split(",")) {
      if (t.trim().equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  private static String trimmed(String s) {
    return s == null ? null : s.trim();
  }
}
