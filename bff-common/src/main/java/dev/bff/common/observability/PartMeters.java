package dev.bff.common.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one part of a composed endpoint: how each run of it ended ({@code outcome}) and
 * what the answer got instead ({@code served}), and how long its calls took.
 */
public final class PartMeters {
  static final PartMeters NONE = new PartMeters(null, null, null);

  /** How a part ended. */
  public enum Result {
    /** Its upstream answered. */
    OK,
    /** Served from the part cache, without a call. */
    CACHED,
    /** Its timeout or the endpoint's deadline passed first. */
    TIMEOUT,
    /** Its upstream failed (5xx, reset, refused, a broken answer). */
    ERROR,
    /** Its upstream said not found. */
    NOT_FOUND,
    /** No instance of its upstream was available. */
    UNAVAILABLE,
    /** Its upstream's circuit breaker is open: no call was made. */
    CIRCUIT_OPEN,
    /** A part it needs failed, so it never ran. */
    SKIPPED,
    /** The endpoint failed (a required part) before this part finished. */
    CANCELLED;

    /** The label value. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The result for a failure's reason word ({@code timeout}, {@code not_found}, ...). */
    public static Result of(String reason) {
      return switch (reason) {
        case "timeout" -> TIMEOUT;
        case "not_found" -> NOT_FOUND;
        case "unavailable" -> UNAVAILABLE;
        case "circuit_open" -> CIRCUIT_OPEN;
        case "skipped" -> SKIPPED;
        default -> ERROR;
      };
    }
  }

  /** What the answer carried for the part. */
  public enum Served {
    /** Its own value. */
    VALUE,
    /** The static fallback value. */
    FALLBACK,
    /** Its last good value. */
    STALE,
    /** Nothing: left out. */
    OMITTED,
    /** Nothing: a required part, so the endpoint failed. */
    FAILED,
    /** Nothing: the endpoint had already failed. */
    NONE;

    /** The label value. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The value for an {@code Outcome.Fallback}'s {@code servedAs}. */
    public static Served of(String servedAs) {
      return switch (servedAs) {
        case "fallback" -> FALLBACK;
        case "stale" -> STALE;
        default -> OMITTED;
      };
    }
  }

  private final Metrics metrics;
  private final String endpoint;
  private final String part;
  private final Counter[] outcomes = new Counter[Result.values().length * Served.values().length];
  private volatile Timer latency;

  PartMeters(Metrics metrics, String endpoint, String part) {
    this.metrics = metrics;
    this.endpoint = endpoint;
    this.part = part;
  }

  /**
   * Records how one run of the part ended.
   *
   * @param micros how long its call took, or a negative number when no call was made
   */
  public void record(Result result, Served served, long micros) {
    if (metrics == null) {
      return;
    }
    int i = result.ordinal() * Served.values().length + served.ordinal();
    Counter c = outcomes[i];
    if (c == null) {
      c = metrics.counter("bff.parts", "Runs of an endpoint's parts by outcome and what was served",
          Tags.of("endpoint", endpoint, "part", part, "outcome", result.label(), "served", served.label()));
      outcomes[i] = c;
    }
    c.increment();
    if (micros >= 0) {
      Timer t = latency;
      if (t == null) {
        t = metrics.timer("bff.part.duration", "How long an endpoint's parts took (calls made, whatever their outcome)",
            Tags.of("endpoint", endpoint, "part", part));
        latency = t;
      }
      t.record(micros, TimeUnit.MICROSECONDS);
    }
  }
}
