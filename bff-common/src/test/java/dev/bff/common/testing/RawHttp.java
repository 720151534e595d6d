package dev.bff.common.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A plain-socket HTTP/1.1 client for requests an HTTP client library would normalise or refuse to
 * send (dot segments, backslashes, garbage request lines, over-long lines). Blocking: use it on
 * the test thread only.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code 127.0.0.1:port} with a 30 s read timeout. */
  public static RawHttp connect(int port) {
    try {
      Socket s = new Socket("127.0.0.1", port);
      s.setSoTimeout(30_000);
      return new RawHttp(s);
    } catch (IOException e) {
      throw new AssertionError("cannot connect to port " + port, e);
    }
  }

  /**
   * Connects with TLS (HTTP/1.1, no ALPN) to {@code 127.0.0.1:port}, trusting {@code ca}, with a
   * 30 s read timeout.
   */
  public static RawHttp connectTls(int port, java.security.cert.X509Certificate ca) {
    try {
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
      s.setSoTimeout(30_000);
      s.startHandshake();
      return new RawHttp(s);
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new AssertionError("cannot connect with TLS to port " + port, e);
    }
  }

  /** Speaks over an already connected socket (e.g. a TLS one); closing this closes it. */
  public static RawHttp over(Socket socket) {
    try {
      return new RawHttp(socket);
    } catch (IOException e) {
      throw new AssertionError("cannot use socket " + socket, e);
    }
  }

  /** Sends {@code text} (ISO-8859-1) as it is and reads one response. */
  public static BffUnderTest.Response exchange(int port, String text) {
    try (RawHttp h = connect(port)) {
      h.write(text);
      return h.read();
    }
  }

  /** Writes raw bytes. */
  public RawHttp write(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return this;
    } catch (IOException e) {
      throw new AssertionError("write failed", e);
    }
  }

  /** Reads one response: status line, headers, and a body framed by Content-Length, chunks or EOF. */
  public BffUnderTest.Response read() {
    try {
      String status = line();
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        throw new AssertionError("not an HTTP status line: '" + status + "'");
      }
      MultiMap headers = HttpHeaders.headers();
      for (String l = line(); !l.isEmpty(); l = line()) {
        int colon = l.indexOf(':');
        headers.add(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
      }
      Buffer body = Buffer.buffer();
      String cl = headers.get("content-length");
      if (cl != null) {
        body.appendBytes(in.readNBytes(Integer.parseInt(cl)));
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        for (int n = Integer.parseInt(line().trim(), 16); n > 0; n = Integer.parseInt(line().trim(), 16)) {
          body.appendBytes(in.readNBytes(n));
          line();
        }
        line();
      } else {
        body.appendBytes(in.readAllBytes());
      }
      return new BffUnderTest.Response(Integer.parseInt(parts[1]), headers, body);
    } catch (IOException e) {
      throw new AssertionError("read failed", e);
    }
  }

  /**
   * Whether the server closes the connection within {@code millis}: EOF or a reset counts, a
   * byte or the timeout does not.
   */
  public boolean closedByPeer(int millis) {
    try {
      socket.setSoTimeout(millis);
      return in.read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c < 0 && b.size() == 0) {
      throw new IOException("connection closed before a complete response");
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a test socket
    }
  }
}
