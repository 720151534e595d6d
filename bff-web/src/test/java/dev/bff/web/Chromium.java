package dev.bff.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium (Debian's {@code chromium}) for tests of pages bff-web serves: installed when
 * missing (CI fails without it; elsewhere the test is skipped), run on the test thread.
 */
final class Chromium {
  static final Path BINARY = Path.of("/usr/bin/chromium");

  private Chromium() {}

  /** Makes sure Chromium is there, installing it with apt-get if needed; aborts the test when it cannot be had. */
  static void require(String test) throws IOException, InterruptedException {
    if (Files.isExecutable(BINARY)) {
      return;
    }
    System.err.println(test + ": " + BINARY + " is missing; installing Debian's chromium");
    boolean ok = run(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"), 600) == 0
        || run(List.of("apt-get", "update", "-qq"), 300) == 0
        && run(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"), 600) == 0;
    if (!ok || !Files.isExecutable(BINARY)) {
      String why = "chromium could not be installed (apt-get install -y chromium as root)";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why);
      }
      System.err.println(test + " SKIPPED: " + why);
      Assumptions.abort(why);
    }
  }

  private static int run(List<String> command, int seconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  /** Runs headless Chromium with {@code args} (after 5 s of virtual time for scripts) and returns what it printed. */
  static String run(String... args) throws Exception {
    Path profile = Files.createTempDirectory("chromium-profile");
    Path out = Files.createTempFile("chromium", ".out");
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("chromium finished within 30 s").isTrue();
      assertThat(p.exitValue()).as("chromium's exit code").isZero();
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(out);
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
