package dev.bff.common.aggregate;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** How a composed response reports its parts: {@code BFF-Degraded}, {@code _meta.degraded}, {@code Server-Timing}. */
public final class Degradation {
  /** The response header listing degraded parts, e.g. {@code reviews=timeout, recommendations=error}. */
  public static final String HEADER = "BFF-Degraded";

  private Degradation() {}

  /** The {@code BFF-Degraded} value, or null when no part degraded. */
  static String header(List<Part> parts, Map<String, Outcome> outcomes) {
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      String reason = reason(outcomes.get(p.name()));
      if (reason != null) {
        sb.append(sb.isEmpty() ? "" : ", ").append(p.name()).append('=').append(reason);
      }
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  /** One entry per degraded part: part, reason, what was served instead and a detail. */
  static JsonArray meta(List<Part> parts, Map<String, Outcome> outcomes) {
    JsonArray out = new JsonArray();
    for (Part p : parts) {
      Outcome o = outcomes.get(p.name());
      String reason = reason(o);
      if (reason == null) {
        continue;
      }
      JsonObject e = new JsonObject().put("part", p.name()).put("reason", reason);
      if (o instanceof Outcome.Fallback f) {
        e.put("served", f.servedAs()).put("detail", f.cause().detail());
      } else if (o instanceof Outcome.Skipped s) {
        e.put("served", "omitted").put("detail", s.reason());
      }
      out.add(e);
    }
    return out;
  }

  /**
   * {@code Server-Timing}: {@code name;dur=12.3;desc="ok"} per part, in declaration order; a part
   * without an outcome (the endpoint failed first) is {@code cancelled} when it had started, else
   * {@code not_started}.
   */
  static String serverTiming(List<Part> parts, Map<String, Outcome> outcomes, java.util.Set<String> started) {
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      Outcome o = outcomes.get(p.name());
      if (o == null) {
        sb.append(sb.isEmpty() ? "" : ", ").append(p.name())
            .append(started.contains(p.name()) ? ";desc=\"cancelled\"" : ";desc=\"not_started\"");
        continue;
      }
      long micros = o instanceof Outcome.Ok ok ? ok.micros()
          : o instanceof Outcome.Fallback f ? f.micros()
          : o instanceof Outcome.Failed f ? f.micros() : -1;
      String desc = o instanceof Outcome.Ok ok ? (ok.cached() ? "cached" : "ok") : reason(o);
      sb.append(sb.isEmpty() ? "" : ", ").append(p.name());
      if (micros >= 0) {
        sb.append(";dur=").append(micros / 1000).append('.').append(micros % 1000 / 100);
      }
      sb.append(";desc=\"").append(desc).append('"');
    }
    return sb.toString();
  }

  private static String reason(Outcome o) {
    if (o instanceof Outcome.Fallback f) {
      return f.cause().reason();
    }
    if (o instanceof Outcome.Failed f) {
      return f.cause().reason();
    }
    if (o instanceof Outcome.Skipped) {
      return "skipped";
    }
    return null;
  }
}
