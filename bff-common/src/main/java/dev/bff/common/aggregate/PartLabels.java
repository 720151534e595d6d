package dev.bff.common.aggregate;

import dev.bff.common.observability.PartMeters.Result;
import dev.bff.common.observability.PartMeters.Served;

/** How a part's {@link Outcome} is labelled in metrics and spans. */
final class PartLabels {
  private PartLabels() {}

  /** How it ended ({@code cancelled}: no outcome, the endpoint failed first). */
  static Result result(Outcome o) {
    if (o instanceof Outcome.Ok ok) {
      return ok.cached() ? Result.CACHED : Result.OK;
    }
    if (o instanceof Outcome.Fallback f) {
      return Result.of(f.cause().reason());
    }
    if (o instanceof Outcome.Failed f) {
      return Result.of(f.cause().reason());
    }
    return o instanceof Outcome.Skipped ? Result.SKIPPED : Result.CANCELLED;
  }

  /** What the answer carried for it. */
  static Served served(Outcome o, Part p) {
    if (o instanceof Outcome.Ok) {
      return Served.VALUE;
    }
    if (o instanceof Outcome.Fallback f) {
      return Served.of(f.servedAs());
    }
    if (o == null) {
      return Served.NONE;
    }
    return p.required() ? Served.FAILED : Served.OMITTED;
  }

  /** How long its call took, or -1 when none was made (cached, skipped, cut before it started). */
  static long micros(Outcome o) {
    return o instanceof Outcome.Ok ok ? (ok.cached() ? -1 : ok.micros())
        : o instanceof Outcome.Fallback f && f.micros() > 0 ? f.micros()
        : o instanceof Outcome.Failed f && f.micros() > 0 ? f.micros() : -1;
  }
}
