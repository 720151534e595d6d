package dev.bff.common.testing;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A WebSocket upstream for tests on a free loopback port. By default it accepts every handshake
 * (choosing {@code v1.chat} when offered) and echoes each data frame as it came (type and
 * fragmentation kept), unless told otherwise with {@link #onOpen}; it records the handshakes, every
 * frame it received (pings too) and how each socket was closed. Plain requests get
 * {@code 200 {"plain": true, "uri": ...}}.
 */
public final class FakeWebSocketUpstream implements AutoCloseable {
  /** What a handshake carried. */
  public record Handshake(String uri, MultiMap headers) {}

  /** A frame the upstream received. */
  public record Frame(WebSocketFrameType type, boolean fin, Buffer data) {
    /** The payload as UTF-8 text. */
    public String text() {
      return data.toString();
    }
  }

  /** How a socket ended: the code and reason the upstream saw (1006 without a close frame). */
  public record Close(int code, String reason) {}

  private final HttpServer server;
  private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();
  private final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<Close> closes = new LinkedBlockingQueue<>();
  private volatile int refuse;
  private volatile boolean echo = true;
  private volatile Handler<ServerWebSocket> onOpen = ws -> { };

  private FakeWebSocketUpstream(Vertx vertx) {
    server = vertx.createHttpServer(new HttpServerOptions().setWebSocketSubProtocols(List.of("v1.chat"))
        .setMaxWebSocketFrameSize(4 * 1024 * 1024).setMaxWebSocketMessageSize(16 * 1024 * 1024));
    server.requestHandler(req -> req.response().putHeader("content-type", "application/json")
        .end("{\"plain\":true,\"uri\":\"" + req.uri() + "\"}"));
    server.webSocketHandshakeHandler(h -> {
      handshakes.add(new Handshake(h.uri(), HttpHeaders.headers().addAll(h.headers())));
      if (refuse > 0) {
        h.reject(refuse);
      } else {
        h.accept();
      }
    });
    server.webSocketHandler(ws -> {
      sockets.add(ws);
      ws.frameHandler(f -> {
        if (!f.isClose()) {
          frames.add(new Frame(f.type(), f.isFinal(), f.binaryData().copy()));
        }
        if (echo) {
          echo(ws, f);
        }
      });
      ws.closeHandler(v -> {
        Short code = ws.closeStatusCode();
        closes.add(new Close(code == null ? 1006 : code, ws.closeReason()));
      });
      onOpen.handle(ws);
    });
  }

  /** Starts one on a free loopback port. */
  public static FakeWebSocketUpstream start(Vertx vertx) {
    FakeWebSocketUpstream u = new FakeWebSocketUpstream(vertx);
    u.server.listen(0, "127.0.0.1").await();
    return u;
  }

  /** Refuses every handshake from now on with {@code status} (0 accepts again). */
  public FakeWebSocketUpstream refuse(int status) {
    this.refuse = status;
    return this;
  }

  /** Runs {@code h} with each socket it accepts from now on, echoing its frames or not. */
  public FakeWebSocketUpstream onOpen(boolean echo, Handler<ServerWebSocket> h) {
    this.echo = echo;
    this.onOpen = h;
    return this;
  }

  private static void echo(ServerWebSocket ws, WebSocketFrame f) {
    if (f.isText() || f.isBinary() || f.isContinuation()) {
      Buffer copy = f.binaryData().copy();
      ws.writeFrame(f.isText() ? WebSocketFrame.textFrame(copy.toString(), f.isFinal())
          : f.isBinary() ? WebSocketFrame.binaryFrame(copy, f.isFinal())
          : WebSocketFrame.continuationFrame(copy, f.isFinal()));
    }
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The handshakes seen so far. */
  public List<Handshake> handshakes() {
    return handshakes;
  }

  /** The sockets accepted so far. */
  public List<ServerWebSocket> sockets() {
    return sockets;
  }

  /** Every frame received (data, ping and pong), in order. */
  public LinkedBlockingQueue<Frame> frames() {
    return frames;
  }

  /** How the sockets ended, in order. */
  public LinkedBlockingQueue<Close> closes() {
    return closes;
  }

  @Override
  public void close() {
    TestClient.await(server.close(), "the WebSocket upstream to close");
  }
}
