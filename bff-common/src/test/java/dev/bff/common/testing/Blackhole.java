package dev.bff.common.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port where connecting hangs: a listener that never accepts, whose accept queue is
 * filled with idle connections, so the kernel drops further SYNs and connects time out (not
 * refused). For connect-timeout tests.
 */
public final class Blackhole implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> fillers = new ArrayList<>();

  private Blackhole() throws IOException {
    listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    for (int i = 0; i < 64; i++) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), 300);
        fillers.add(s);
      } catch (SocketTimeoutException full) {
        s.close();
        return; // the queue is full: this connect went unanswered
      }
    }
    close();
    throw new IllegalStateException("could not fill the accept queue of a listener with backlog 1");
  }

  /** Opens a listener and fills its accept queue; fails if connects to it still succeed. */
  public static Blackhole open() {
    try {
      return new Blackhole();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  @Override
  public void close() {
    for (Socket s : fillers) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
