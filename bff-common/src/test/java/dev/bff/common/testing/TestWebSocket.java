package dev.bff.common.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket client for tests, connected to {@code 127.0.0.1:port}: it records every data frame
 * it receives (as sent, fragments apart), every pong, and how it was closed. Waits happen on the
 * test thread, bounded.
 */
public final class TestWebSocket implements AutoCloseable {
  /** How long {@link #next()} and {@link #closed()} wait. */
  public static final Duration WAIT = Duration.ofSeconds(15);

  /** One frame as received. */
  public record Frame(WebSocketFrameType type, boolean fin, Buffer data) {
    /** The payload as UTF-8 text. */
    public String text() {
      return data.toString();
    }
  }

  /** How the connection was closed: the code and reason of the close frame received (1006 without one). */
  public record Close(int code, String reason) {}

  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<Buffer> pongs = new LinkedBlockingQueue<>();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private final CompletableFuture<Void> gone = new CompletableFuture<>();

  private TestWebSocket(Vertx vertx) {
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(4 * 1024 * 1024)
        .setMaxMessageSize(16 * 1024 * 1024));
    this.ws = client.webSocket();
    ws.frameHandler(f -> {
      if (f.isClose()) {
        closed.complete(new Close(f.closeStatusCode(), f.closeReason()));
      } else if (f.type() == WebSocketFrameType.PONG) {
        pongs.add(f.binaryData().copy());
      } else if (f.type() != WebSocketFrameType.PING) {
        frames.add(new Frame(f.type(), f.isFinal(), f.binaryData().copy()));
      }
    });
    ws.closeHandler(v -> {
      Short code = ws.closeStatusCode();
      closed.complete(new Close(code == null ? 1006 : code, ws.closeReason()));
      gone.complete(null);
    });
  }

  /** Opens a WebSocket to {@code uri} with these headers, offering {@code subprotocols} (may be empty). */
  public static Future<TestWebSocket> open(Vertx vertx, int port, String uri, Map<String, String> headers,
      List<String> subprotocols) {
    TestWebSocket t = new TestWebSocket(vertx);
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(o::putHeader);
    if (!subprotocols.isEmpty()) {
      o.setSubProtocols(subprotocols);
    }
    return t.ws.connect(o).map(w -> t).onFailure(e -> t.client.close());
  }

  /** Opens a WebSocket to {@code uri} and waits for it (failing the test if it is refused). */
  public static TestWebSocket connect(Vertx vertx, int port, String uri, Map<String, String> headers) {
    return TestClient.await(open(vertx, port, uri, headers, List.of()), "a WebSocket to " + uri);
  }

  /** The socket, to write to, pause or close. */
  public ClientWebSocket socket() {
    return ws;
  }

  /** The subprotocol the handshake settled on, or null. */
  public String subProtocol() {
    return ws.subProtocol();
  }

  /** The next data frame received, waiting up to {@link #WAIT}. */
  public Frame next() {
    try {
      Frame f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (f == null) {
        throw new AssertionError("no frame within " + WAIT.toSeconds() + " s");
      }
      return f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The data frames received and not taken yet. */
  public LinkedBlockingQueue<Frame> frames() {
    return frames;
  }

  /** The pongs received so far. */
  public LinkedBlockingQueue<Buffer> pongs() {
    return pongs;
  }

  /**
   * How the connection was closed (its close frame, or the connection's end without one), waiting up
   * to {@link #WAIT}.
   */
  public Close closed() {
    return await(closed, "the WebSocket to close");
  }

  /** Whether a close frame was received or the connection ended. */
  public boolean isClosed() {
    return closed.isDone();
  }

  /** Waits until the connection itself has ended. */
  public void gone() {
    await(gone, "the WebSocket's connection to end");
  }

  private static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what, e);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Writes a final text frame. */
  public void text(String s) {
    ws.writeFrame(WebSocketFrame.textFrame(s, true));
  }

  /** Writes a final binary frame. */
  public void binary(Buffer b) {
    ws.writeFrame(WebSocketFrame.binaryFrame(b, true));
  }

  @Override
  public void close() {
    TestClient.await(client.close(), "the test WebSocket client to close");
  }
}
