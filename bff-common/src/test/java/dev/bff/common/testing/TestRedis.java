package dev.bff.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} for one test class, on a free loopback port, with no persistence;
 * never the machine's shared Redis. It can be stopped and started again on the same port (Redis
 * going away and coming back). When no {@code redis-server} can be started the test is skipped
 * loudly, except under {@code CI=true}, where it fails.
 */
public final class TestRedis implements AutoCloseable {
  private final String binary;
  private final int port;
  private Process process;

  private TestRedis(String binary, int port) {
    this.binary = binary;
    this.port = port;
  }

  /** Starts a server, or skips (fails under CI) when none can be started. */
  public static TestRedis start() {
    String binary = find();
    if (binary == null) {
      unavailable("no redis-server binary on PATH or in /usr/bin, /usr/local/bin");
    }
    TestRedis r = new TestRedis(binary, freePort());
    try {
      r.startProcess();
    } catch (IOException | RuntimeException e) {
      unavailable("redis-server did not start: " + e.getMessage());
    }
    return r;
  }

  private static void unavailable(String why) {
    String msg = "Redis-backed tests need a redis-server: " + why;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(msg + " (CI=true: failing instead of skipping)");
    }
    System.err.println("SKIPPED LOUDLY: " + msg);
    Assumptions.abort(msg);
  }

  private static String find() {
    List<String> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(java.io.File.pathSeparator)) {
        candidates.add(d + "/redis-server");
      }
    }
    candidates.add("/usr/bin/redis-server");
    candidates.add("/usr/local/bin/redis-server");
    for (String c : candidates) {
      if (Files.isExecutable(Path.of(c))) {
        return c;
      }
    }
    return null;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void startProcess() throws IOException {
    process = new ProcessBuilder(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < until) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited with " + process.exitValue());
      }
      try {
        if ("PONG".equals(command("PING"))) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      sleep(50);
    }
    process.destroyForcibly();
    throw new IOException("redis-server did not answer PING on port " + port + " within 10 s");
  }

  /** {@code redis://127.0.0.1:PORT}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** The port. */
  public int port() {
    return port;
  }

  /** Stops the server (kills it: Redis going away without notice); {@link #restart} brings it back empty. */
  public void stop() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts the server again on the same port (empty: there is no persistence). */
  public void restart() {
    stop();
    try {
      startProcess();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs one command and returns its reply as text: simple strings, integers and bulk strings as
   * they are, arrays joined by newlines, nil as null; an error reply throws.
   */
  public String command(String... args) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        byte[] b = a.getBytes(StandardCharsets.UTF_8);
        sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
      }
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return read(s.getInputStream());
    }
  }

  /** Like {@link #command} for test set-up: failures are errors of the test. */
  public String run(String... args) {
    try {
      return command(args);
    } catch (IOException e) {
      throw new IllegalStateException("redis command " + args[0] + " failed", e);
    }
  }

  private static String read(InputStream in) throws IOException {
    String line = line(in);
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+', ':' -> {
        return rest;
      }
      case '-' -> throw new IOException("redis error: " + rest);
      case '$' -> {
        int n = Integer.parseInt(rest);
        if (n < 0) {
          return null;
        }
        byte[] b = in.readNBytes(n + 2);
        return new String(b, 0, n, StandardCharsets.UTF_8);
      }
      case '*' -> {
        int n = Integer.parseInt(rest);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(read(in));
        }
        return String.join("\n", items);
      }
      default -> throw new IOException("unexpected reply " + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        in.read();
        return sb.toString();
      }
      sb.append((char) c);
    }
    throw new IOException("connection closed");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
