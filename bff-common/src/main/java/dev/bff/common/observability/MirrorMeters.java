package dev.bff.common.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;

/**
 * What became of the copies a mirrored route sent to its shadow ({@code bff_mirror_requests_total}
 * by {@code outcome}): {@code answered} (any status), {@code failed} (no answer: refused, reset,
 * timed out, the shadow's pool full), {@code skipped} (a request body that streams to the real
 * upstream, unread, cannot be copied). Resolved once per route at start-up.
 */
public final class MirrorMeters {
  /** Meters that record nothing. */
  public static final MirrorMeters NONE = new MirrorMeters(null, null);

  private final Counter answered;
  private final Counter failed;
  private final Counter skipped;

  MirrorMeters(Metrics metrics, String route) {
    if (metrics == null) {
      answered = failed = skipped = null;
      return;
    }
    String d = "Copies of a mirrored route's requests sent to its shadow upstream, by outcome";
    answered = metrics.counter("bff.mirror.requests", d, Tags.of("route", route, "outcome", "answered"));
    failed = metrics.counter("bff.mirror.requests", d, Tags.of("route", route, "outcome", "failed"));
    skipped = metrics.counter("bff.mirror.requests", d, Tags.of("route", route, "outcome", "skipped"));
  }

  /** The shadow answered (its answer was dropped). */
  public void answered() {
    if (answered != null) {
      answered.increment();
    }
  }

  /** The shadow did not answer. */
  public void failed() {
    if (failed != null) {
      failed.increment();
    }
  }

  /** The request was chosen but could not be copied (its body streams unread). */
  public void skipped() {
    if (skipped != null) {
      skipped.increment();
    }
  }
}
