package dev.bff.common.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BFF in a child JVM ({@link GatewayMain} on this JVM's class path) started from YAML text with
 * extra JVM options such as {@code -Xmx64m}. Its ports are read from its start-up log line; its
 * output (stdout and stderr) is kept for assertions. {@link #close()} always kills it.
 */
public final class ChildGateway implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on https?://[^ ]*:(\\d+) \\(admin :(\\d+)");

  private final Process process;
  private final Path config;
  private final StringBuffer output = new StringBuffer();
  private final CompletableFuture<int[]> ports = new CompletableFuture<>();
  private final Thread reader;

  private ChildGateway(Process process, Path config) {
    this.process = process;
    this.config = config;
    reader = new Thread(this::pump, "child-gateway-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts the child and waits (up to 60 s) until it listens.
   *
   * @param yaml       the whole configuration (use port 0 for free ports)
   * @param jvmOptions e.g. {@code -Xmx64m}
   */
  public static ChildGateway start(String yaml, String... jvmOptions) throws IOException {
    return start(GatewayMain.class, yaml, jvmOptions);
  }

  /**
   * Like {@link #start(String, String...)} with another main class that takes
   * {@code --config FILE} and logs the gateway's start-up line.
   */
  public static ChildGateway start(Class<?> main, String yaml, String... jvmOptions) throws IOException {
    Path file = Files.createTempFile("bff-child", ".yaml");
    Files.writeString(file, yaml);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName(),
        "--config", file.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    ChildGateway child = new ChildGateway(p, file);
    try {
      child.ports.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      child.close();
      throw new IllegalStateException("child gateway did not start: " + e + "\n" + child.output(), e);
    }
    return child;
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        output.append(line).append('\n');
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          ports.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        }
      }
    } catch (IOException ignored) {
      // the process died; what it wrote so far is kept
    }
    ports.completeExceptionally(new IllegalStateException("child exited before listening"));
  }

  /** The gateway port. */
  public int port() {
    return ports.join()[0];
  }

  /** The admin port. */
  public int adminPort() {
    return ports.join()[1];
  }

  /** The child process (to signal it or wait for its exit). */
  public Process process() {
    return process;
  }

  /**
   * Waits up to {@code timeout} for the child to exit and for all of its output to be read.
   *
   * @return whether it exited in time
   */
  public boolean awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
    if (!process.waitFor(timeout, unit)) {
      return false;
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return true;
  }

  /**
   * Sends SIGTERM (on Linux). Unlike {@link Process#destroy()}, which signals too but also closes
   * this side of the child's output pipe (so the child's later log lines are lost), it keeps
   * reading the child's output.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** The child's configuration file (rewrite it, then {@link #signal} HUP to reload). */
  public Path configFile() {
    return config;
  }

  /** Sends a signal by name ({@code HUP}, {@code TERM}) with {@code kill}, waiting for kill itself. */
  public void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Everything the child wrote so far. */
  public String output() {
    return output.toString();
  }

  /** Kills the child if still running and deletes its config file. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(config);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // a temp file left behind is harmless
    }
  }
}
