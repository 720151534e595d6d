package dev.bff.common.upstream;

import dev.bff.common.routing.Category;

/** An upstream call failed: what kind of failure, and on which upstream. No addresses inside. */
public class UpstreamException extends RuntimeException {
  private final String upstream;
  private final Category category;
  private final int status;

  /** Creates the failure; {@code status} is the upstream's status when it answered, else 0. */
  public UpstreamException(String upstream, Category category, int status) {
    this(upstream, category, status, Failures.describe(category, upstream));
  }

  /** Creates the failure with its own description (no addresses, nothing secret). */
  protected UpstreamException(String upstream, Category category, int status, String message) {
    super(message, null, false, false);
    this.upstream = upstream;
    this.category = category;
    this.status = status;
  }

  /** The upstream's name. */
  public String upstream() {
    return upstream;
  }

  /** What went wrong. */
  public Category category() {
    return category;
  }

  /** The upstream's status when it answered with an error, else 0. */
  public int status() {
    return status;
  }
}
