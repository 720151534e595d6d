package dev.bff.common.ratelimit;

import io.vertx.core.Future;
import java.util.List;

/** Where buckets are counted: in this process or in the shared Redis. */
public interface LimitStore {
  /**
   * Decides one request against all {@code checks} at once: it is admitted only if every limit admits
   * it, and nothing is counted unless it is. Fails only when the store cannot be asked.
   *
   * @return one verdict per check, in order
   */
  Future<List<Verdict>> acquire(List<Check> checks);
}
