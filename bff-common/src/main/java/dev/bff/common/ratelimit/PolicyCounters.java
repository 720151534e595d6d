package dev.bff.common.ratelimit;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/** What happened to the requests a policy judged, for {@code GET /admin/rate-limits} and the metrics. */
public final class PolicyCounters {
  final LongAdder allowed = new LongAdder();
  final LongAdder limited = new LongAdder();
  final LongAdder storeErrors = new LongAdder();
  final LongAdder fallbackDecisions = new LongAdder();
  final LongAdder unavailable = new LongAdder();

  /** Requests every limit of the policy admitted. */
  public long allowed() {
    return allowed.sum();
  }

  /** Requests a limit of the policy refused (429). */
  public long limited() {
    return limited.sum();
  }

  /** Failed or timed-out calls to the shared store. */
  public long storeErrors() {
    return storeErrors.sum();
  }

  /** Decisions this replica made alone while the shared store failed (fail-open). */
  public long fallbackDecisions() {
    return fallbackDecisions.sum();
  }

  /** Requests refused because the shared store failed (fail-closed, 503). */
  public long unavailable() {
    return unavailable.sum();
  }

  JsonObject toJson() {
    return new JsonObject().put("allowed", allowed.sum()).put("limited", limited.sum())
        .put("storeErrors", storeErrors.sum()).put("fallbackDecisions", fallbackDecisions.sum())
        .put("unavailable", unavailable.sum());
  }
}
