package dev.bff.common.ratelimit;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/** What happened to the requests a policy judged, for {@code GET /admin/rate-limits}. */
final class PolicyCounters {
  final LongAdder allowed = new LongAdder();
  final LongAdder limited = new LongAdder();
  final LongAdder storeErrors = new LongAdder();
  final LongAdder fallbackDecisions = new LongAdder();
  final LongAdder unavailable = new LongAdder();

  JsonObject toJson() {
    return new JsonObject().put("allowed", allowed.sum()).put("limited", limited.sum())
        .put("storeErrors", storeErrors.sum()).put("fallbackDecisions", fallbackDecisions.sum())
        .put("unavailable", unavailable.sum());
  }
}
