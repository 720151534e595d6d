package dev.bff.common.websocket;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.internal.http.WebSocketInternal;

/** What a tunnel does to a WebSocket's connection that Vert.x has no public API for (its internal one). */
final class Channels {
  /** The name Vert.x gives the idle-timeout handler of a connection's pipeline. */
  private static final String IDLE = "idle";

  private Channels() {}

  /**
   * Takes the listener's idle timeout off a client's upgraded connection: it is meant for HTTP, and
   * would cut a quiet tunnel without a close frame.
   */
  static void listenerIdleOff(WebSocketBase ws) {
    if (ws instanceof WebSocketInternal w) {
      ChannelPipeline p = w.channelHandlerContext().pipeline();
      if (p.get(IDLE) != null) {
        p.remove(IDLE);
      }
    }
  }

  /** Ends a side's connection at once (a close handshake it did not finish). */
  static void cut(WebSocketBase ws) {
    if (ws instanceof WebSocketInternal w) {
      w.channelHandlerContext().close();
    }
  }
}
