package dev.bff.common.aggregate;

import dev.bff.common.routing.Category;
import dev.bff.common.upstream.Failures;
import dev.bff.common.upstream.UpstreamException;
import java.util.concurrent.TimeoutException;

/**
 * Why a part did not produce its value.
 *
 * @param category what went wrong (drives the status of a failed required part)
 * @param upstream the upstream the part called
 * @param status   the upstream's status when it answered with an error, else 0
 * @param detail   a short description without addresses
 */
public record Failure(Category category, String upstream, int status, String detail) {
  /** The failure for what a part's future failed with. */
  public static Failure of(Throwable t, String upstream) {
    if (t instanceof UpstreamException u) {
      return new Failure(u.category(), u.upstream(), u.status(), u.getMessage());
    }
    if (t instanceof TemplateCall.MissingValue) {
      return new Failure(Category.ERROR, upstream, 0, t.getMessage());
    }
    if (t instanceof TimeoutException) {
      return new Failure(Category.TIMEOUT, upstream, 0, "upstream '" + upstream + "' did not answer in time");
    }
    Category c = Failures.classify(t);
    return new Failure(c, upstream, 0, Failures.describe(c, upstream));
  }

  /** The reason word used in {@code BFF-Degraded} and {@code _meta.degraded}. */
  public String reason() {
    return switch (category) {
      case TIMEOUT, DEADLINE -> "timeout";
      case NOT_FOUND -> "not_found";
      case UNAVAILABLE -> "unavailable";
      case CIRCUIT_OPEN -> "circuit_open";
      default -> "error";
    };
  }
}
