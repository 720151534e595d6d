package dev.bff.web.reliability;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that records the bytes of every request head exactly as the gateway wrote them, from
 * a plain socket (an HTTP library would normalise them first: Netty drops a {@code Content-Length}
 * sent next to {@code Transfer-Encoding: chunked}). It reads bodies by their framing and answers
 * {@code 200 {}}; a head whose framing is ambiguous (both headers, two lengths, a coding other than
 * {@code chunked}) is kept as a violation and answered {@code 400} with the connection closed.
 */
final class WireRecorder implements AutoCloseable {
  private static final Buffer OK = Buffer.buffer(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
  private static final Buffer BAD = Buffer.buffer("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
      + "Connection: close\r\n\r\n");

  private final NetServer server;
  private final List<String> heads = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger incomplete = new AtomicInteger();
  private final java.util.Set<Connection> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private WireRecorder(Vertx vertx) {
    server = vertx.createNetServer();
    server.connectHandler(this::serve);
  }

  static WireRecorder start(Vertx vertx) {
    WireRecorder r = new WireRecorder(vertx);
    r.server.listen(0, "127.0.0.1").await();
    return r;
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Every request head received, in order. */
  List<String> heads() {
    return new ArrayList<>(heads);
  }

  /** Heads with ambiguous framing, each with the reason. */
  List<String> violations() {
    return new ArrayList<>(violations);
  }

  /** Connections open now. */
  int open() {
    return open.get();
  }

  /** Connections open now in the middle of a request (a head or body not complete). */
  int openMidRequest() {
    return (int) connections.stream().filter(Connection::midRequest).count();
  }

  /** Connections that closed in the middle of a request (its body not complete). */
  int incomplete() {
    return incomplete.get();
  }

  private void serve(NetSocket socket) {
    open.incrementAndGet();
    Connection c = new Connection(socket);
    connections.add(c);
    socket.handler(c::feed);
    socket.closeHandler(v -> {
      connections.remove(c);
      open.decrementAndGet();
      if (c.midRequest()) {
        incomplete.incrementAndGet();
      }
    });
  }

  /** One connection's parser: a head, then a body by Content-Length or chunks, then the next head. */
  private final class Connection {
    private final NetSocket socket;
    private Buffer pending = Buffer.buffer();
    private long bodyLeft;       // bytes of a Content-Length body still to come
    private boolean chunked;     // inside a chunked body
    private long chunkLeft = -1; // bytes of the current chunk (+2 for its CRLF); -1: a size line is next
    private boolean trailers;    // after the last chunk: trailer lines until an empty one
    private boolean closed;

    Connection(NetSocket socket) {
      this.socket = socket;
    }

    boolean midRequest() {
      return bodyLeft > 0 || chunked || pending.length() > 0;
    }

    void feed(Buffer data) {
      pending.appendBuffer(data);
      boolean progress = true;
      while (progress && !closed) {
        progress = bodyLeft > 0 ? skipBody() : chunked ? chunk() : head();
      }
    }

    private boolean skipBody() {
      int n = (int) Math.min(bodyLeft, pending.length());
      pending = pending.getBuffer(n, pending.length());
      bodyLeft -= n;
      if (bodyLeft == 0) {
        socket.write(OK);
      }
      return n > 0 && pending.length() > 0;
    }

    private boolean chunk() {
      if (chunkLeft < 0) {
        String line = line();
        if (line == null) {
          return false;
        }
        if (trailers) {
          if (line.isEmpty()) {
            chunked = false;
            trailers = false;
            socket.write(OK);
          }
          return true;
        }
        long size = Long.parseLong(line.split(";", 2)[0].trim(), 16);
        if (size == 0) {
          trailers = true;
        } else {
          chunkLeft = size + 2;
        }
        return true;
      }
      int n = (int) Math.min(chunkLeft, pending.length());
      pending = pending.getBuffer(n, pending.length());
      chunkLeft -= n;
      if (chunkLeft == 0) {
        chunkLeft = -1;
      }
      return n > 0;
    }

    private String line() {
      String s = pending.toString(StandardCharsets.ISO_8859_1);
      int eol = s.indexOf("\r\n");
      if (eol < 0) {
        return null;
      }
      pending = pending.getBuffer(eol + 2, pending.length());
      return s.substring(0, eol);
    }

    private boolean head() {
      String s = pending.toString(StandardCharsets.ISO_8859_1);
      int end = s.indexOf("\r\n\r\n");
      if (end < 0) {
        return false;
      }
      String head = s.substring(0, end);
      pending = pending.getBuffer(end + 4, pending.length());
      heads.add(head);
      List<String> lengths = new ArrayList<>();
      List<String> codings = new ArrayList<>();
      for (String line : head.split("\r\n", -1)) {
        int colon = line.indexOf(':');
        String name = colon < 0 ? "" : line.substring(0, colon).toLowerCase(Locale.ROOT);
        if (name.equals("content-length")) {
          lengths.add(line.substring(colon + 1).trim());
        } else if (name.equals("transfer-encoding")) {
          codings.add(line.substring(colon + 1).trim());
        }
      }
      String problem = !lengths.isEmpty() && !codings.isEmpty() ? "Content-Length and Transfer-Encoding"
          : lengths.size() > 1 ? "two Content-Length headers"
          : codings.size() > 1 || (codings.size() == 1 && !codings.get(0).equalsIgnoreCase("chunked"))
              ? "Transfer-Encoding " + codings
          : lengths.size() == 1 && !lengths.get(0).matches("[0-9]{1,15}") ? "Content-Length " + lengths : null;
      if (problem != null) {
        violations.add(problem + ": " + head.replace("\r\n", " | "));
        closed = true;
        socket.write(BAD).onComplete(v -> socket.close());
        return false;
      }
      if (!codings.isEmpty()) {
        chunked = true;
        return true;
      }
      bodyLeft = lengths.isEmpty() ? 0 : Long.parseLong(lengths.get(0));
      if (bodyLeft == 0) {
        socket.write(OK);
      }
      return true;
    }
  }

  @Override
  public void close() {
    server.close().await();
  }
}
