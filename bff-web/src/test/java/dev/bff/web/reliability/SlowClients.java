package dev.bff.web.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Clients that hold a connection without finishing their request: a slowloris (the request head,
 * one byte a second, never ending) and a stalled upload (a head announcing a body, a few bytes of
 * it, then silence). Each writes on its own thread until the gateway closes the connection or
 * {@code giveUpMs} pass, and says how long the connection lived.
 */
final class SlowClients {
  /** How the clients of one kind ended: milliseconds each connection lived, -1 for one still open. */
  record Result(String kind, long[] livedMs) {
    int cut() {
      return (int) Arrays.stream(livedMs).filter(ms -> ms >= 0).count();
    }

    long longestMs() {
      return Arrays.stream(livedMs).max().orElse(-1);
    }

    @Override
    public String toString() {
      return kind + ": " + cut() + " of " + livedMs.length + " cut by the gateway, after "
          + Arrays.stream(livedMs).filter(ms -> ms >= 0).min().orElse(-1) + "-" + longestMs() + " ms";
    }
  }

  private SlowClients() {}

  static final String SLOWLORIS_HEAD = "GET /api/categories HTTP/1.1\r\nHost: shop\r\nX-Slow: ";
  static final String UPLOAD_HEAD = "POST /api/echo/slow-upload HTTP/1.1\r\nHost: shop\r\n"
      + "Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n0123456789";

  /** Runs {@code each} slowloris and {@code each} stalled uploads at once against {@code port}. */
  static List<Result> run(int port, int each, long giveUpMs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2 * each);
    try {
      List<Future<Long>> loris = new ArrayList<>();
      List<Future<Long>> uploads = new ArrayList<>();
      for (int i = 0; i < each; i++) {
        loris.add(pool.submit(() -> slowloris(port, giveUpMs)));
        uploads.add(pool.submit(() -> stalledUpload(port, giveUpMs)));
      }
      return List.of(new Result("slowloris (head trickled 1 byte/s)", collect(loris)),
          new Result("stalled upload (10 of 100,000 body bytes, then silence)", collect(uploads)));
    } finally {
      pool.shutdownNow();
    }
  }

  private static long[] collect(List<Future<Long>> futures) throws Exception {
    long[] out = new long[futures.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = futures.get(i).get(5, TimeUnit.MINUTES);
    }
    return out;
  }

  /** Trickles a never-ending header, one byte a second; how long until the gateway closed, or -1. */
  static long slowloris(int port, long giveUpMs) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      long start = System.nanoTime();
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      s.setSoTimeout(1000);
      byte[] head = SLOWLORIS_HEAD.getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; elapsed(start) < giveUpMs; i++) {
        try {
          out.write(i < head.length ? head[i] : 'a');
          out.flush();
        } catch (IOException e) {
          return elapsed(start);
        }
        if (closed(in)) {
          return elapsed(start);
        }
      }
      return -1;
    }
  }

  /** Announces a body, sends 10 bytes of it and falls silent; how long until the gateway closed, or -1. */
  static long stalledUpload(int port, long giveUpMs) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      long start = System.nanoTime();
      s.getOutputStream().write(UPLOAD_HEAD.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      s.setSoTimeout(1000);
      while (elapsed(start) < giveUpMs) {
        if (closed(s.getInputStream())) {
          return elapsed(start);
        }
      }
      return -1;
    }
  }

  /** Waits up to the socket's timeout: true when the peer closed (anything it said first is read). */
  private static boolean closed(InputStream in) {
    try {
      byte[] buf = new byte[4096];
      while (true) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static long elapsed(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
