package dev.bff.common.observability;

import dev.bff.common.routing.Category;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one upstream's calls, shared by all event loops: every attempt sent to an instance
 * ({@code bff_upstream_requests_total} by outcome, and its latency up to the response head for a
 * proxied request or the whole body for an endpoint's call), and errors by kind, including calls
 * never sent because the circuit was open or no instance was available.
 */
public final class UpstreamMeters {
  /** Attempt outcomes: 1xx..5xx, then the failures before a response. */
  private static final String[] OUTCOMES = {"1xx", "2xx", "3xx", "4xx", "5xx", "timeout", "reset", "refused", "error",
      "unavailable", "cancelled"};
  private static final int TIMEOUT = 5;
  private static final int CANCELLED = 10;
  /** Error kinds. */
  private static final String[] KINDS = {"timeout", "reset", "refused", "error", "unavailable", "5xx", "circuit_open"};
  private static final int KIND_5XX = 5;
  private static final int KIND_CIRCUIT = 6;

  /** Meters that record nothing. */
  public static final UpstreamMeters NONE = new UpstreamMeters(null, null);

  private final Metrics metrics;
  private final String upstream;
  private final Timer latency;
  private final Counter[] outcomes = new Counter[OUTCOMES.length];
  private final Counter[] errors = new Counter[KINDS.length];

  UpstreamMeters(Metrics metrics, String upstream) {
    this.metrics = metrics;
    this.upstream = upstream;
    this.latency = metrics == null ? null : metrics.timer("bff.upstream.request.duration",
        "Attempts sent to the upstream's instances, to the response head (proxied) or the whole body (endpoints)",
        Tags.of("upstream", upstream));
  }

  /** An attempt sent at {@code startNanos} got a response with {@code status}. */
  public void answered(int status, long startNanos) {
    if (metrics == null) {
      return;
    }
    latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    outcome(Math.max(0, Math.min(4, status / 100 - 1))).increment();
    if (status >= 500) {
      error(KIND_5XX).increment();
    }
  }

  /** An attempt sent at {@code startNanos} failed before a response: timeout, reset, refused, ... */
  public void failed(Category c, long startNanos) {
    if (metrics == null) {
      return;
    }
    latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    int k = kind(c);
    outcome(TIMEOUT + k).increment();
    error(k).increment();
  }

  /** An attempt sent at {@code startNanos} was given up by the gateway (a part's timeout, the client left). */
  public void cancelled(long startNanos) {
    if (metrics == null) {
      return;
    }
    latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    outcome(CANCELLED).increment();
  }

  /** A call was not sent: the circuit is open, or no instance is available. */
  public void rejected(Category c) {
    if (metrics != null) {
      error(c == Category.CIRCUIT_OPEN ? KIND_CIRCUIT : kind(c)).increment();
    }
  }

  /** A response failed after its head (the body was cut): an error, not another request. */
  public void broken(Category c) {
    if (metrics != null) {
      error(kind(c)).increment();
    }
  }

  private static int kind(Category c) {
    return switch (c) {
      case TIMEOUT -> 0;
      case RESET -> 1;
      case UNREACHABLE -> 2;
      case UNAVAILABLE -> 4;
      default -> 3;
    };
  }

  private Counter outcome(int i) {
    Counter c = outcomes[i];
    if (c == null) { // a race registers it twice: the registry hands back the one it has
      c = metrics.counter("bff.upstream.requests", "Attempts sent to the upstream's instances, by outcome",
          Tags.of("upstream", upstream, "outcome", OUTCOMES[i]));
      outcomes[i] = c;
    }
    return c;
  }

  private Counter error(int i) {
    Counter c = errors[i];
    if (c == null) {
      c = metrics.counter("bff.upstream.errors", "Upstream errors by kind (also calls never sent: circuit_open, "
          + "unavailable)", Tags.of("upstream", upstream, "kind", KINDS[i]));
      errors[i] = c;
    }
    return c;
  }
}
