package dev.bff.web.reliability;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the scenario once on a fresh stack, writes the report, and returns the verdict. */
final class ReliabilityRun {
  private ReliabilityRun() {}

  static Verdict run(Vertx vertx, Profile profile, String command, Path report) throws Exception {
    String loadBefore = Report.loadAverage();
    long start = System.nanoTime();
    try (Stack st = Stack.start(vertx, profile)) {
      System.out.println("[reliability] stack up after " + (System.nanoTime() - start) / 1_000_000 + " ms");
      Scenario sc = new Scenario(st);
      sc.run();
      Verdict v = new Verdict(sc);
      String md = Report.markdown(v, command, loadBefore, (System.nanoTime() - start) / 1_000_000_000L);
      Files.createDirectories(report.toAbsolutePath().getParent());
      Files.writeString(report, md);
      for (Replica r : new Replica[] {st.a, st.b}) {
        Files.writeString(Path.of("target", "reliability-" + profile.name().split(" ")[0] + "-replica-" + r.name()
            + ".log"), r.output());
      }
      System.out.println(md);
      if (!v.passed()) {
        System.out.println("replica a output (tail):\n" + tail(st.a.output()));
        System.out.println("replica b output (tail):\n" + tail(st.b.output()));
        System.out.println("nginx error log (tail):\n" + tail(st.lb.errorLog()));
      }
      return v;
    }
  }

  private static String tail(String s) {
    return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
  }
}
