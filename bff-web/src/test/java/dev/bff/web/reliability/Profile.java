package dev.bff.web.reliability;

import java.time.Duration;

/**
 * How long and how hard the scenario runs: the short form for CI, or the full form scaled to a number
 * of minutes of load (10 for the report).
 *
 * @param name        for the report
 * @param rate        requests per second of the mixed load
 * @param connections the load's connections to the load balancer (at most)
 * @param warmup      load before the first memory sample
 * @param steady      load with no fault, at the start and at the end
 * @param hold        how long each fault lasts
 * @param recover     load after a fault is removed, before the next one
 * @param reloads     configuration reloads per replica
 * @param fuzzCases   malformed requests
 * @param slowClients slowloris clients, and as many stalled uploads
 * @param idleTimeout the replicas' {@code server.idle-timeout}
 */
record Profile(String name, int rate, int connections, Duration warmup, Duration steady, Duration hold,
    Duration recover, int reloads, int fuzzCases, int slowClients, Duration idleTimeout) {

  /** About 80 s of load at 300 req/s: CI, on a busy 2-core machine. */
  static Profile shortForm() {
    return new Profile("short", 300, 128, Duration.ofSeconds(8), Duration.ofSeconds(4), Duration.ofSeconds(4),
        Duration.ofSeconds(2), 8, 2_000, 4, Duration.ofSeconds(3));
  }

  /** {@code minutes} of load at 1,000 req/s, the phases in proportion (10 minutes: 40 s per fault). */
  static Profile fullForm(double minutes) {
    double u = minutes / 10.0;
    return new Profile("full (" + minutes + " min)", 1_000, 256, seconds(60 * u), seconds(60 * u), seconds(40 * u),
        seconds(20 * u), 2 * Math.max(5, (int) (20 * u)), Math.max(2_000, (int) (20_000 * u)), 20,
        Duration.ofSeconds(10));
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis(Math.max(2_000, (long) (s * 1000)));
  }

  /** The nginx {@code fail_timeout}: how long a failed replica is left out. */
  int failTimeoutSeconds() {
    return 2;
  }
}
