package dev.bff.web.reliability;

import dev.bff.common.testing.TestNginx;
import dev.bff.web.reliability.MixedLoad.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** The run written out in Markdown: set-up, load figures, every fault's outcome, memory, bad input. */
final class Report {
  private Report() {}

  static String markdown(Verdict v, String command, String startLoad, long wallSeconds) {
    Scenario sc = v.sc;
    Profile p = sc.p;
    StringBuilder md = new StringBuilder();
    md.append("# Reliability suite: ").append(p.name()).append(" run\n\n");
    md.append("- Command: `").append(command).append("`\n");
    md.append("- Date: ").append(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME)).append("\n");
    md.append("- Machine: ").append(machine()).append("; load average before the run ").append(startLoad)
        .append(", after it ").append(loadAverage()).append(" (other builds may have shared the machine)\n");
    md.append("- Wall time of the scenario (stack start to stop): ").append(wallSeconds).append(" s; load time ")
        .append(sc.samples.size() == 0 ? 0 : sc.samples.startMs(sc.samples.size() - 1) / 1000).append(" s\n");
    md.append("- Verdict: **").append(v.passed() ? "PASSED" : "FAILED (" + v.problems.size() + " problems)")
        .append("**\n\n");
    if (!v.passed()) {
      md.append("Problems:\n\n");
      v.problems.forEach(x -> md.append("- ").append(x.replace("\n", "\n  ")).append('\n'));
      md.append('\n');
    }
    md.append("## Set-up\n\n");
    md.append("- Two bff-web replicas (`WebBff.main`, child JVMs `").append(String.join(" ", Replica.JVM))
        .append("`) behind nginx (round robin; ").append(TestNginx.policy(p.failTimeoutSeconds()))
        .append("), sharing one redis-server for rate limits and the response cache; the demo services in the "
            + "test JVM, with a second catalog instance; a wire-recording upstream in place of the echo service.\n");
    md.append("- Configuration: the shipped `bff-web.yaml` with its variables set (free ports, Redis stores, "
        + "visitor limit 100000/s so that the load is never limited) and these overrides:\n");
    sc.st.yamlA.overrides().forEach(o -> md.append("  - ").append(o).append('\n'));
    md.append("- Warm-up: the rate rose evenly to its full value over ").append(p.warmup().toSeconds())
        .append(" s; then the stack took ").append(sc.settleMs).append(" ms more to keep up (at most 50 ms of "
            + "requests in flight for a second) before the first memory sample and the faults\n");
    md.append("- Load: open loop, ").append(p.rate()).append(" req/s through nginx over at most ")
        .append(p.connections()).append(" connections; mix per 20 requests: 8 pass-through, 4 product pages, "
            + "5 cached, 3 authenticated (JWTs of ").append(Stack.USERS).append(" demo users from `POST /token`)\n\n");
    md.append("## Load\n\n| figure | value |\n|---|---|\n");
    md.append("| requests sent | ").append(v.sent).append(" |\n");
    md.append("| requests answered | ").append(v.answered).append(" |\n");
    md.append("| requests without an answer | ").append(v.sent - v.answered).append(" ")
        .append(v.s.errors().isEmpty() ? "" : v.s.errors().toString()).append(" |\n");
    md.append("| statuses | ").append(v.statuses).append(" |\n");
    md.append("| non-200 answers a fault allowed | ").append(v.allowedByFault.isEmpty() ? "none"
        : v.allowedByFault).append(" |\n");
    md.append("| non-200 answers no fault allowed | ").append(v.unexpectedCount).append(" |\n\n");
    md.append("| request | statuses | p50 ms | p99 ms | p50 / p99 ms, steady start | p50 / p99 ms, steady end |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (Kind k : Kind.values()) {
      row(md, k.label, v.statusesByKind.get(k).toString(), v, k);
    }
    row(md, "all", v.statuses.toString(), v, null);
    md.append("\nLatency is measured by the load generator from the scheduled start of each request to the end of "
        + "its body, through nginx; the whole-run figures include the fault windows.\n\n");
    md.append("## Faults\n\n");
    for (Outcome o : sc.outcomes) {
      md.append("### ").append(o.name).append(" — ").append(o.passed() ? "passed" : "FAILED").append("\n\n");
      md.append("- Window: ").append(o.fromMs).append("-").append(o.toMs).append(" ms of the load\n");
      md.append("- Injected: ").append(o.injected).append('\n');
      md.append("- Expected: ").append(o.expected).append('\n');
      o.observed.forEach(x -> md.append("- Seen: ").append(x.replace("\n", "\n  ")).append('\n'));
      o.problems.forEach(x -> md.append("- **Problem**: ").append(x.replace("\n", "\n  ")).append('\n'));
      md.append('\n');
    }
    md.append("## Memory\n\n| point | replica (process) | heap used | heap after full GC | RSS |\n|---|---|---|---|---|\n");
    for (Memory.Point m : sc.memory.points) {
      md.append("| ").append(m.label()).append(" | ").append(m.replica()).append(" (#").append(m.start())
          .append(") | ").append(mb(m.heapUsed())).append(" | ").append(mb(m.heapAfterGc())).append(" | ")
          .append(mb(m.rss())).append(" |\n");
    }
    double[] g = sc.memory.growth("a");
    md.append(String.format("%nReplica a, start to end: heap after GC %+.1f%%, RSS %+.1f%% (allowed: below %.0f%%). "
        + "Replica b was killed and restarted between the middle and the end samples (process #2).%n%n",
        100 * g[0], 100 * g[1], 100 * Memory.MAX_GROWTH));
    md.append("## Bad input (straight to replica a)\n\n| category | outcomes (status: count) |\n|---|---|\n");
    for (Map.Entry<String, Map<String, Integer>> e : sc.badInput.fuzz.byCategory().entrySet()) {
      md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
    }
    md.append("\n`closed` is a connection the gateway closed without an answer (a request line it cannot read).\n\n");
    sc.badInput.slow.forEach(r -> md.append("- ").append(r).append('\n'));
    md.append("\n## What the replicas logged (WARN and ERROR lines, counted)\n\n");
    for (Replica r : new Replica[] {sc.st.a, sc.st.b}) {
      Map<String, Integer> c = GatewayLog.complaints(r.output());
      md.append("Replica ").append(r.name()).append(c.isEmpty() ? ": none\n" : ":\n\n");
      c.forEach((line, n) -> md.append("- ").append(n).append(" x `").append(line.replace("`", "'")).append("`\n"));
      md.append('\n');
    }
    return md.toString();
  }

  private static void row(StringBuilder md, String label, String statuses, Verdict v, Kind k) {
    Scenario sc = v.sc;
    md.append("| ").append(label).append(" | ").append(statuses).append(" | ")
        .append(ms(v.percentile(k, 0, Long.MAX_VALUE, 50))).append(" | ")
        .append(ms(v.percentile(k, 0, Long.MAX_VALUE, 99))).append(" | ")
        .append(ms(v.percentile(k, sc.steadyStart[0], sc.steadyEnd[0], 50))).append(" / ")
        .append(ms(v.percentile(k, sc.steadyStart[0], sc.steadyEnd[0], 99))).append(" | ")
        .append(ms(v.percentile(k, sc.steadyStart[1], sc.steadyEnd[1], 50))).append(" / ")
        .append(ms(v.percentile(k, sc.steadyStart[1], sc.steadyEnd[1], 99))).append(" |\n");
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.1f", v);
  }

  private static String mb(long bytes) {
    return String.format("%.1f MB", bytes / 1048576.0);
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String machine() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    String memory = "";
    try {
      memory = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
    } catch (IOException e) {
      // not Linux: leave it out
    }
    return host + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + memory + ", Java "
        + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
        + System.getProperty("os.version");
  }
}
