package dev.bff.common.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A route's {@code websocket} block: WebSocket handshakes on the route are tunnelled to its upstream
 * and their frames relayed both ways (other requests on the route are proxied as usual).
 *
 * @param idleTimeout    with no frame either way for this long, both sides are closed (1001)
 * @param maxFrameSize   the largest frame relayed, in bytes; a bigger one closes its sender with 1009
 * @param maxMessageSize the largest message (all the frames of a fragmented one) relayed, in bytes;
 *                       a bigger one closes its sender with 1009
 */
public record WebSocketConfig(Duration idleTimeout, int maxFrameSize, int maxMessageSize) {
  /** No frame either way for a minute closes the tunnel, as nginx's default {@code proxy_read_timeout} does. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  /** 64 KB, Vert.x's default. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024;
  /** 256 KB, Vert.x's default. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024;
  /** Control frames carry up to 125 bytes (RFC 6455 5.5): every route relays those. */
  static final int MIN_SIZE = 125;
  /** A frame is held whole before it is relayed: 16 MB at most. */
  static final int MAX_FRAME_SIZE = 16 * 1024 * 1024;

  private static final Set<String> KEYS = Set.of("idle-timeout", "max-frame-size", "max-message-size");

  /**
   * Reads the {@code websocket} block of the route {@code route}; null when absent. Reports what
   * does not go with a tunnel: a {@code grpc} route, a {@code body-check}, methods without GET.
   */
  static WebSocketConfig read(ConfigNode route) {
    ConfigNode n = route.child("websocket");
    if (!n.present()) {
      return null;
    }
    if (!n.isObject()) {
      n.problem(null, "must be a mapping (idle-timeout, max-frame-size, max-message-size); {} for the defaults");
      return null;
    }
    n.allowOnly(KEYS);
    if (route.child("grpc").present()) {
      n.problem(null, "does not apply to a grpc route (it answers with a gRPC call)");
    }
    if (route.child("body-check").present()) {
      n.problem(null, "cannot be combined with body-check (a WebSocket handshake has no body to check)");
    }
    List<String> methods = route.strings("methods");
    if (!methods.isEmpty() && methods.stream().noneMatch(m -> m.trim().toUpperCase(Locale.ROOT).equals("GET"))) {
      n.problem(null, "needs GET among the route's methods (a WebSocket handshake is a GET), was " + methods);
    }
    Duration idle = n.duration("idle-timeout", DEFAULT_IDLE_TIMEOUT);
    if (idle.isZero()) {
      n.problem("idle-timeout", "must be more than 0");
    }
    int frame = size(n, "max-frame-size", DEFAULT_MAX_FRAME_SIZE, MAX_FRAME_SIZE);
    int message = size(n, "max-message-size", Math.max(frame, DEFAULT_MAX_MESSAGE_SIZE), Integer.MAX_VALUE);
    if (message < frame) {
      n.problem("max-message-size", "must be at least max-frame-size (" + frame + " bytes), was " + message);
    }
    return new WebSocketConfig(idle, frame, message);
  }

  private static int size(ConfigNode n, String key, int def, int max) {
    long v = n.size(key, def);
    if (v < MIN_SIZE || v > max) {
      n.problem(key, "must be between " + MIN_SIZE + " bytes and " + max + " bytes, was " + v);
      return def;
    }
    return (int) v;
  }

  /**
   * The largest frame the listeners' and the upstream clients' WebSocket decoders take: the largest
   * {@code max-message-size} of the routes (no bigger frame can pass any route, and a frame up to it
   * reaches the relay, which closes with 1009 what exceeds its route's limits), at least
   * {@link #DEFAULT_MAX_MESSAGE_SIZE}, and at most {@link #MAX_FRAME_SIZE}.
   */
  public static int decoderLimit(List<RouteConfig> routes) {
    int limit = DEFAULT_MAX_MESSAGE_SIZE;
    for (RouteConfig r : routes) {
      if (r.websocket() != null) {
        limit = Math.max(limit, Math.min(MAX_FRAME_SIZE, r.websocket().maxMessageSize()));
      }
    }
    return limit;
  }

  @Override
  public String toString() {
    return "websocket idle-timeout=" + idleTimeout.toMillis() + "ms max-frame-size=" + maxFrameSize
        + " max-message-size=" + maxMessageSize;
  }
}
