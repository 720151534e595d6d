package dev.bff.common.websocket;

import dev.bff.common.config.WebSocketConfig;
import dev.bff.common.observability.WebSocketMeters;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frames of one tunnel, relayed both ways as they come: text, binary and continuation frames
 * (a fragmented message stays fragmented), pings and pongs (each side also answers a ping itself,
 * as Vert.x does, so a ping may get two pongs, which RFC 6455 allows). A side whose peer cannot
 * take more is paused until its peer drains. Either side closing closes the other with the same
 * code and reason; a side lost without a close closes the other with 1001 (the client's) or 1014
 * (the upstream's). A frame or message over the route's limits closes its sender with 1009 and the
 * other side with 1001 or 1014; no frame either way for the idle timeout closes both with 1001, as
 * does the gateway shutting down. A side that has not finished closing within the idle timeout
 * (10 s at most) after the close began has its connection cut. Everything runs on the tunnel's
 * event loop.
 */
final class Relay {
  private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
  static final short GOING_AWAY = 1001;
  static final short TOO_BIG = 1009;
  static final short BAD_GATEWAY = 1014;
  /** Closed without a close frame: never sent (RFC 6455 7.4.1). */
  static final short ABNORMAL = 1006;
  /** The longest wait for a side to finish closing, as Vert.x's own closing timeout. */
  static final long MAX_CLOSING_MILLIS = 10_000;

  private final Vertx vertx;
  private final ClientWebSocket upstream;
  private final WebSocketConfig config;
  private final WebSocketMeters meters;
  private final Runnable release;
  private ServerWebSocket client;
  private List<WebSocketFrame> early = new ArrayList<>(2); // the upstream's frames before the client is accepted
  private long inMessage; // bytes of the message being relayed from the client
  private long outMessage; // and from the upstream
  private long lastFrameNanos = System.nanoTime();
  private long idleTimer = -1;
  private long closingTimer = -1;
  private boolean closing; // a close was decided: no more frames go anywhere
  private short pendingCode; // the close for a client not accepted yet, 0 for none
  private String pendingReason;
  private boolean upstreamClosed;
  private boolean clientClosed;
  private boolean aborted;
  private boolean ended;

  /**
   * Takes the upstream's frames from its connection on: its handlers are set before it connects
   * (Vert.x refuses handlers on a WebSocket that already received a close, which an upstream may
   * send right after its 101), and frames arriving before the client is accepted are held, the
   * upstream paused.
   *
   * @param release runs once when both sides are closed
   */
  Relay(Vertx vertx, ClientWebSocket upstream, WebSocketConfig config, WebSocketMeters meters, Runnable release) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.config = config;
    this.meters = meters;
    this.release = release;
    upstream.frameHandler(f -> frame(false, f));
    upstream.closeHandler(v -> closed(false));
    upstream.exceptionHandler(t -> failed(false, t));
    upstream.drainHandler(v -> resume(client));
  }

  /** The client was accepted: relaying starts both ways, with the frames held so far. */
  void attach(ServerWebSocket c) {
    client = c;
    c.frameHandler(f -> frame(true, f));
    c.closeHandler(v -> closed(true));
    c.exceptionHandler(t -> failed(true, t));
    c.drainHandler(v -> resume(upstream));
    c.shutdownHandler(v -> closeBoth(GOING_AWAY, "the gateway is shutting down"));
    Channels.listenerIdleOff(c); // the route's idle timeout applies instead
    meters.opened();
    lastFrameNanos = System.nanoTime();
    armIdle(config.idleTimeout().toMillis());
    List<WebSocketFrame> held = early;
    early = null;
    for (WebSocketFrame f : held) {
      frame(false, f);
    }
    if (!closing && held.isEmpty() && upstream.isClosed()) {
      // its close came with its 101, before Vert.x would take handlers for it: none of ours runs
      upstreamClosed = true;
      startClosing();
      Short code = upstream.closeStatusCode();
      closeClient(code == null || code == ABNORMAL ? BAD_GATEWAY : code, upstream.closeReason());
    } else if (pendingCode != 0) {
      c.close(pendingCode, pendingReason);
    } else if (!closing && !c.writeQueueFull()) {
      upstream.resume();
    }
  }

  /** The client will not be accepted (it left, or its handshake failed): the upstream is closed. */
  void abort(short code, String reason) {
    aborted = true;
    startClosing();
    closeUpstream(code, reason);
  }

  private void frame(boolean fromClient, WebSocketFrame f) {
    lastFrameNanos = System.nanoTime();
    if (!fromClient && client == null) {
      early.add(f);
      upstream.pause();
      return;
    }
    if (f.isClose()) {
      if (!closing) {
        startClosing();
        closeOther(fromClient, f.closeStatusCode(), f.closeReason());
      }
      return;
    }
    if (closing) {
      return;
    }
    int n = f.binaryData().length();
    WebSocketFrameType type = f.type();
    if (type != WebSocketFrameType.PING && type != WebSocketFrameType.PONG) {
      if (n > config.maxFrameSize()) {
        violated(fromClient, TOO_BIG, "frame of " + n + " bytes over max-frame-size " + config.maxFrameSize());
        return;
      }
      long m = (fromClient ? inMessage : outMessage) + n;
      if (m > config.maxMessageSize()) {
        violated(fromClient, TOO_BIG, "message over max-message-size " + config.maxMessageSize());
        return;
      }
      if (fromClient) {
        inMessage = f.isFinal() ? 0 : m;
      } else {
        outMessage = f.isFinal() ? 0 : m;
      }
    }
    WebSocketBase to = fromClient ? upstream : client;
    if (to.isClosed()) { // its close frame is on its way to us
      return;
    }
    meters.frame(fromClient, n);
    to.writeFrame(f);
    if (to.writeQueueFull()) {
      (fromClient ? client : upstream).pause(); // the drain handler of `to` resumes it
    }
  }

  private void resume(WebSocketBase source) {
    if (!closing && source != null) {
      source.resume();
    }
  }

  /** A side's connection closed: with a close frame, already handled; else the other is told. */
  private void closed(boolean isClient) {
    if (isClient) {
      clientClosed = true;
    } else {
      upstreamClosed = true;
    }
    if (!closing) {
      startClosing();
      WebSocketBase side = isClient ? client : upstream;
      Short code = side.closeStatusCode();
      if (code == null || code == ABNORMAL) {
        closeOther(isClient, isClient ? GOING_AWAY : BAD_GATEWAY,
            isClient ? "the client's connection was lost" : "the upstream's connection was lost");
      } else { // its close frame was still queued behind frames the other side could not take yet
        closeOther(isClient, code, side.closeReason());
      }
    }
    if (upstreamClosed && (client == null ? aborted : clientClosed)) {
      end();
    }
  }

  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
    }
    if (closingTimer >= 0) {
      vertx.cancelTimer(closingTimer);
    }
    if (client != null) {
      meters.closed();
    }
    release.run();
  }

  /** A side broke the protocol (a frame over the decoder's limit, say): it is closed with the status that says why. */
  private void failed(boolean fromClient, Throwable t) {
    if (t instanceof CorruptedWebSocketFrameException c && !closing) {
      violated(fromClient, (short) c.closeStatus().code(), c.getMessage());
    } else {
      LOG.debug("websocket {} side failed", fromClient ? "client" : "upstream", t);
    }
  }

  /** The sender broke a limit: it is closed with {@code code}, the other side learns its peer is gone. */
  private void violated(boolean fromClient, short code, String reason) {
    startClosing();
    String why = reason == null || reason.length() > 80 ? "a protocol error" : reason;
    if (fromClient) {
      closeClient(code, why);
      closeUpstream(GOING_AWAY, "the client was closed: " + why);
    } else {
      closeUpstream(code, why);
      closeClient(BAD_GATEWAY, "the upstream was closed: " + why);
    }
  }

  private void closeOther(boolean fromClient, short code, String reason) {
    if (fromClient) {
      closeUpstream(code, reason);
    } else {
      closeClient(code, reason);
    }
  }

  private void closeBoth(short code, String reason) {
    if (!closing) {
      startClosing();
      closeClient(code, reason);
      closeUpstream(code, reason);
    }
  }

  private void closeClient(short code, String reason) {
    if (client == null) {
      pendingCode = code;
      pendingReason = reason;
    } else if (!client.isClosed()) {
      client.close(code, reason);
    }
  }

  private void closeUpstream(short code, String reason) {
    if (!upstream.isClosed()) {
      upstream.close(code, reason);
    }
  }

  /**
   * No frame goes anywhere from now on; a side whose connection has not closed within the grace
   * (a peer that never answers the close, or never ends its connection after it) is cut.
   */
  private void startClosing() {
    closing = true;
    if (closingTimer >= 0 || ended) {
      return;
    }
    closingTimer = vertx.setTimer(Math.max(1, Math.min(MAX_CLOSING_MILLIS, config.idleTimeout().toMillis())), id -> {
      closingTimer = -1;
      if (ended) {
        return;
      }
      if (client != null && !clientClosed) {
        Channels.cut(client);
      }
      if (!upstreamClosed) {
        Channels.cut(upstream);
      }
      clientClosed = true;
      upstreamClosed = true;
      end();
    });
  }

  /** Closes both sides once no frame went either way for the idle timeout. */
  private void armIdle(long delayMillis) {
    idleTimer = vertx.setTimer(Math.max(1, delayMillis), id -> {
      idleTimer = -1;
      if (closing) {
        return;
      }
      long limit = config.idleTimeout().toMillis();
      long idle = (System.nanoTime() - lastFrameNanos) / 1_000_000;
      if (idle >= limit) {
        closeBoth(GOING_AWAY, "idle for " + limit + " ms");
      } else {
        armIdle(limit - idle);
      }
    });
  }
}
