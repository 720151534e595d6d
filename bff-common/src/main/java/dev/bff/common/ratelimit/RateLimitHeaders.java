package dev.bff.common.ratelimit;

import dev.bff.common.config.RateLimitConfig.HeaderStyle;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;

/**
 * Writes the rate-limit headers of draft-ietf-httpapi-ratelimit-headers (revision 11, May 2026; the
 * same syntax since revision 08): {@code RateLimit-Policy} lists one item per limit that judged the
 * request, {@code "NAME";q=QUOTA;w=WINDOW}, and {@code RateLimit} the state of each,
 * {@code "NAME";r=REMAINING;t=SECONDS}. For a GCRA limit {@code q} is the burst and {@code w} the
 * seconds the rate takes to refill it; for a window, the requests per window and its seconds.
 * {@code t} is the time until the limit is fully restored if nothing else is sent (a conservative
 * effective window: until then the client can use no more than {@code r} and what refills).
 * {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} (seconds) describe the most
 * restrictive limit: the one with the fewest remaining (the longest reset among equals).
 */
final class RateLimitHeaders {
  static final CharSequence POLICY = HttpHeaders.createOptimized("RateLimit-Policy");
  static final CharSequence RATELIMIT = HttpHeaders.createOptimized("RateLimit");
  static final CharSequence X_LIMIT = HttpHeaders.createOptimized("X-RateLimit-Limit");
  static final CharSequence X_REMAINING = HttpHeaders.createOptimized("X-RateLimit-Remaining");
  static final CharSequence X_RESET = HttpHeaders.createOptimized("X-RateLimit-Reset");

  private RateLimitHeaders() {}

  static void write(HeaderStyle style, MultiMap headers, List<Check> checks, List<Verdict> verdicts) {
    if (style == HeaderStyle.NONE) {
      return;
    }
    int n = checks.size();
    if (n == 1) {
      headers.set(POLICY, checks.get(0).meter().policyHeader());
    } else {
      StringBuilder p = new StringBuilder(40 * n);
      for (int i = 0; i < n; i++) {
        p.append(i == 0 ? "" : ", ").append(checks.get(i).meter().policyItem());
      }
      headers.set(POLICY, p);
    }
    StringBuilder r = new StringBuilder(32 * n);
    int tightest = 0;
    for (int i = 0; i < n; i++) {
      Verdict v = verdicts.get(i);
      if (i > 0) {
        r.append(", ");
      }
      r.append(checks.get(i).meter().remainingPrefix()).append(v.remaining()).append(";t=")
          .append(Meter.seconds(v.resetNanos()));
      Verdict t = verdicts.get(tightest);
      if (v.remaining() < t.remaining() || v.remaining() == t.remaining() && v.resetNanos() > t.resetNanos()) {
        tightest = i;
      }
    }
    headers.set(RATELIMIT, r);
    if (style == HeaderStyle.IETF_LEGACY) {
      Verdict v = verdicts.get(tightest);
      headers.set(X_LIMIT, Long.toString(checks.get(tightest).meter().limit()))
          .set(X_REMAINING, Long.toString(v.remaining()))
          .set(X_RESET, Long.toString(Meter.seconds(v.resetNanos())));
    }
  }
}
