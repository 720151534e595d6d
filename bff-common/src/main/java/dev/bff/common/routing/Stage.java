package dev.bff.common.routing;

import io.vertx.core.Future;
import java.util.List;

/**
 * A step around an endpoint (auth, rate limit, cache, metrics). Return {@code next.handle(req)} to
 * go on; short-circuit by returning a reply such as {@code Reply.problem(...)}, never by throwing.
 */
@FunctionalInterface
public interface Stage {
  /** Runs this stage. */
  Future<Reply> apply(BffRequest request, EndpointHandler next);

  /** Composes stages (first runs outermost) around {@code last}, once, at start-up. */
  static EndpointHandler chain(List<Stage> stages, EndpointHandler last) {
    EndpointHandler h = last;
    for (int i = stages.size() - 1; i >= 0; i--) {
      Stage s = stages.get(i);
      EndpointHandler n = h;
      h = r -> s.apply(r, n);
    }
    return h;
  }
}
