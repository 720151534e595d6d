package dev.bff.common.ratelimit;

import dev.bff.common.config.RateLimitConfig.HeaderStyle;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Target;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * A route or endpoint under rate limits: runs after authentication (so user and partner keys are
 * known) and before the upstream call. A request every applicable limit admits goes on with the
 * rate-limit headers set; one a limit refuses gets 429 problem+json with {@code Retry-After} (whole
 * seconds, rounded up) and the same headers; while the shared store fails under {@code fail-closed},
 * 503 with {@code Retry-After: 1}. A request whose body arrives while Redis decides is paused until then.
 */
public final class RateLimitGuard implements Target {
  private final Target next;
  private final String route;
  private final Policy[] policies;
  private final RateLimiter limiter;
  private final HeaderStyle headers;

  RateLimitGuard(Target next, String route, List<Policy> policies, RateLimiter limiter, HeaderStyle headers) {
    this.next = next;
    this.route = route;
    this.policies = policies.toArray(new Policy[0]);
    this.limiter = limiter;
    this.headers = headers;
  }

  @Override
  public void serve(Exchange ex) {
    List<Check> checks = new ArrayList<>(policies.length + 1);
    for (Policy p : policies) {
      p.checks(ex, route, checks);
    }
    if (checks.isEmpty()) { // no key (e.g. no user on a per-user policy) or no plan: not limited
      next.serve(ex);
      return;
    }
    ex.whenDone(limiter.decide(checks), f -> apply(ex, f));
  }

  private void apply(Exchange ex, Future<Decision> f) {
    if (ex.response().closed() || ex.response().ended()) {
      return;
    }
    Decision d = f.result();
    switch (d.outcome()) {
      case ADMITTED -> {
        ex.rateLimit("allowed");
        RateLimitHeaders.write(headers, ex.response().headers(), d.checks(), d.verdicts());
        next.serve(ex);
      }
      case LIMITED -> {
        ex.rateLimit("limited");
        RateLimitHeaders.write(headers, ex.response().headers(), d.checks(), d.verdicts());
        long retry = 0;
        List<String> refused = new ArrayList<>(1);
        for (int i = 0; i < d.verdicts().size(); i++) {
          Verdict v = d.verdicts().get(i);
          if (!v.admitted()) {
            retry = Math.max(retry, v.retryNanos());
            refused.add(d.checks().get(i).meter().item());
          }
        }
        long seconds = Math.max(1, Meter.seconds(retry));
        ex.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        fail(ex, Category.RATE_LIMITED, "rate limit " + String.join(", ", refused) + " exceeded"
            + (d.local() ? " (this replica's share while the shared store is unreachable)" : "")
            + "; retry after " + seconds + " s");
      }
      case UNAVAILABLE -> {
        ex.rateLimit("unavailable");
        ex.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
        fail(ex, Category.RATE_LIMIT_UNAVAILABLE, "the rate-limit store is unreachable and this route fails closed");
      }
    }
  }

  private static void fail(Exchange ex, Category c, String detail) {
    ex.refuse(c, detail);
  }

  @Override
  public String describe() {
    List<String> names = new ArrayList<>();
    for (Policy p : policies) {
      names.add(p.name());
    }
    return "rate-limit " + names + " -> " + next.describe();
  }
}
