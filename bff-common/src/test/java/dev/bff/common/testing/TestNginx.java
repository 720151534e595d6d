package dev.bff.common.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * A real nginx for one test, load-balancing a free loopback port round-robin over some backends
 * (HTTP/1.1 keep-alive to them, the client's address in {@code X-Forwarded-For}): the load balancer
 * in front of several replicas. When no nginx can be started the test is skipped loudly, except
 * under {@code CI=true}, where it fails ({@code .ci/run} installs nginx-light).
 */
public final class TestNginx implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final Process process;

  private TestNginx(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Starts nginx balancing over {@code backends} (ports on 127.0.0.1), or skips (fails under CI). */
  public static TestNginx start(List<Integer> backends) {
    return start(backends, 2);
  }

  /** The directives that decide fail-over, as {@link #start(List, int)} sets them (for reports). */
  public static String policy(int failTimeoutSeconds) {
    return "proxy_next_upstream error timeout; max_fails=1 fail_timeout=" + failTimeoutSeconds
        + "s; keepalive 32 (keepalive_timeout 2s); proxy_connect_timeout 1s";
  }

  /**
   * Starts nginx balancing over {@code backends}, or skips (fails under CI): a request whose backend
   * refuses or times out is tried on the next one ({@code proxy_next_upstream error timeout}), and a
   * backend that failed once is left out for {@code failTimeoutSeconds}, as in front of replicas
   * that may be killed.
   */
  public static TestNginx start(List<Integer> backends, int failTimeoutSeconds) {
    String binary = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx"
        : Files.isExecutable(Path.of("/usr/bin/nginx")) ? "/usr/bin/nginx" : null;
    if (binary == null) {
      unavailable("no nginx in /usr/sbin or /usr/bin (apt-get install nginx-light)");
    }
    try {
      Path dir = Files.createTempDirectory("test-nginx");
      Files.createDirectories(dir.resolve("logs"));
      Files.createDirectories(dir.resolve("tmp"));
      int port = freePort();
      String servers = backends.stream()
          .map(p -> "    server 127.0.0.1:" + p + " max_fails=1 fail_timeout=" + failTimeoutSeconds + "s;")
          .collect(Collectors.joining("\n"));
      Files.writeString(dir.resolve("nginx.conf"), """
          worker_processes 1;
          worker_rlimit_nofile 16384;
          daemon off;
          pid %1$s/nginx.pid;
          error_log %1$s/logs/error.log warn;
          events { worker_connections 8192; }
          http {
            access_log off;
            client_body_temp_path %1$s/tmp/body;
            proxy_temp_path %1$s/tmp/proxy;
            fastcgi_temp_path %1$s/tmp/fastcgi;
            uwsgi_temp_path %1$s/tmp/uwsgi;
            scgi_temp_path %1$s/tmp/scgi;
            keepalive_requests 1000000;
            upstream replicas {
          %2$s
              keepalive 32;
              keepalive_timeout 2s;
              keepalive_requests 1000000;
            }
            server {
              listen 127.0.0.1:%3$d backlog=4096;
              location / {
                proxy_pass http://replicas;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $http_host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_next_upstream error timeout;
                proxy_connect_timeout 1s;
                proxy_read_timeout 30s;
                proxy_buffering off;
              }
            }
          }
          """.formatted(dir, servers, port));
      Process p = new ProcessBuilder(binary, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("logs/out.log").toFile()).start();
      TestNginx n = new TestNginx(dir, port, p);
      n.awaitListening();
      return n;
    } catch (IOException e) {
      unavailable("nginx did not start: " + e.getMessage());
      return null;
    }
  }

  private void awaitListening() throws IOException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < until) {
      if (!process.isAlive()) {
        throw new IOException("nginx exited with " + process.exitValue() + ": "
            + Files.readString(dir.resolve("logs/out.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    throw new IOException("nginx did not listen on " + port + " within 10 s");
  }

  private static void unavailable(String why) {
    String msg = "load-balancer tests need nginx: " + why;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(msg + " (CI=true: failing instead of skipping)");
    }
    System.err.println("SKIPPED LOUDLY: " + msg);
    Assumptions.abort(msg);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The load balancer's port. */
  public int port() {
    return port;
  }

  /** nginx's error log (which backend failed when, what it retried). */
  public String errorLog() {
    try {
      return Files.readString(dir.resolve("logs/error.log"));
    } catch (IOException e) {
      return "(no error log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
