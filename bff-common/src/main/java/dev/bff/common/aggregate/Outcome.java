package dev.bff.common.aggregate;

/** What became of one part of a composed endpoint; a value once the part is finished. */
public sealed interface Outcome permits Outcome.Ok, Outcome.Fallback, Outcome.Failed, Outcome.Skipped {
  /** The part's value, or null when it has none. */
  Object value();

  /** The part answered ({@code cached}: from the part cache, without a call). */
  record Ok(Object value, long micros, boolean cached) implements Outcome {
    /** An answer from the part's upstream. */
    public Ok(Object value, long micros) {
      this(value, micros, false);
    }
  }

  /**
   * The part failed and was replaced: by its fallback value ({@code servedAs = "fallback"}) or left
   * out ({@code servedAs = "omitted"}, value null).
   */
  record Fallback(Object value, Failure cause, String servedAs, long micros) implements Outcome {}

  /** The part failed and has no replacement (fatal only for a required part). */
  record Failed(Failure cause, long micros) implements Outcome {
    @Override
    public Object value() {
      return null;
    }
  }

  /** The part never ran because a part it needs failed. */
  record Skipped(String reason) implements Outcome {
    @Override
    public Object value() {
      return null;
    }
  }
}
