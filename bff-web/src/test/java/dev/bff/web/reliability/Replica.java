package dev.bff.web.reliability;

import dev.bff.common.testing.ChildGateway;
import dev.bff.common.testing.Scrape;
import dev.bff.web.WebBff;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One bff-web replica in a child JVM ({@link WebBff#main}, {@code --config FILE}) on ports chosen
 * once, so that a replica killed and started again is found by the load balancer where it was.
 * Reads its heap (from {@code /metrics}, after a full GC asked with {@code jcmd}) and its RSS (from
 * {@code /proc/<pid>/status}).
 */
final class Replica implements AutoCloseable {
  /** The child JVM's options: a fixed, pre-touched heap, so that RSS shows what grows outside it. */
  static final String[] JVM = {"-Xms192m", "-Xmx192m", "-XX:+AlwaysPreTouch"};

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String name;
  private final String yaml;
  private ChildGateway child;
  private int starts;
  private final StringBuilder earlierOutput = new StringBuilder();

  private Replica(String name, String yaml) {
    this.name = name;
    this.yaml = yaml;
  }

  /** Starts a replica from {@code yaml} (which names its ports). */
  static Replica start(String name, String yaml) {
    Replica r = new Replica(name, yaml);
    r.launch();
    return r;
  }

  private void launch() {
    try {
      child = ChildGateway.start(WebBff.class, yaml, JVM);
      starts++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String name() {
    return name;
  }

  int port() {
    return child.port();
  }

  int adminPort() {
    return child.adminPort();
  }

  long pid() {
    return child.process().pid();
  }

  boolean alive() {
    return child.process().isAlive();
  }

  /** How many times the replica was started. */
  int starts() {
    return starts;
  }

  /** The file the replica reads on {@code POST /admin/reload}. */
  Path configFile() {
    return child.configFile();
  }

  /** SIGKILL: no drain, no shutdown hook; waits until the process is gone. */
  void kill() throws InterruptedException {
    child.process().destroyForcibly();
    if (!child.process().waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " did not die within 10 s of SIGKILL");
    }
  }

  /** Starts the replica again, with the same configuration and ports, after {@link #kill}. */
  void restart() {
    child.close();
    earlierOutput.append(child.output()).append("---- process ").append(starts).append(" killed; restarted ----\n");
    launch();
  }

  /** GET on the admin listener: status and body. */
  Answer admin(String method, String path) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort() + path))
          .timeout(Duration.ofSeconds(20));
      HttpResponse<String> r = HTTP.send(method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.noBody()).build()
          : b.GET().build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Answer(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "interrupted");
    }
  }

  /** One scrape of {@code /metrics}. */
  Scrape scrape() {
    Answer a = admin("GET", "/metrics");
    if (a.status() != 200) {
      throw new AssertionError(name + ": GET /metrics answered " + a.status() + ": " + a.body());
    }
    return Scrape.parse(a.body());
  }

  /** Heap used now, in bytes, as {@code jvm_memory_used_bytes{area="heap"}} reports it. */
  long heapUsed() {
    return (long) scrape().value("jvm_memory_used_bytes", "area", "heap");
  }

  /** Heap used right after a full collection asked with {@code jcmd <pid> GC.run}. */
  long heapAfterGc() throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.run")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("jcmd " + pid() + " GC.run failed");
    }
    return heapUsed();
  }

  /** The resident set size of the child, in bytes ({@code VmRSS}). */
  long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid());
  }

  /** What the replica wrote, all its processes. */
  String output() {
    return earlierOutput + child.output();
  }

  @Override
  public void close() {
    if (child != null) {
      child.close();
    }
  }

  /** An admin answer; status -1 when the request failed. */
  record Answer(int status, String body) {}
}
