package dev.bff.common.ratelimit;

import java.util.List;

/**
 * The decision on one request over all the limits that apply to it.
 *
 * @param outcome  admitted, limited, or unavailable (the store failed and the policy is fail-closed)
 * @param checks   the limits applied (a replica's local share of them when {@code local})
 * @param verdicts one per check (empty when unavailable)
 * @param local    whether this replica decided alone because the shared store could not be asked
 */
public record Decision(Outcome outcome, List<Check> checks, List<Verdict> verdicts, boolean local) {
  /** What the request gets. */
  public enum Outcome {
    /** Every limit admits it: it goes on. */
    ADMITTED,
    /** A limit refuses it: 429. */
    LIMITED,
    /** The store could not be asked and the configuration says fail-closed: 503. */
    UNAVAILABLE
  }
}
