package dev.bff.common.config;

/**
 * A value from the configuration that must never be printed (a token): its {@code toString()}, and
 * so a record holding it, logs and {@code /admin/config}, show {@code <redacted>}.
 *
 * @param value the secret itself, for the one place that compares against it
 */
public record Secret(String value) {
  /** What is shown instead of a secret. */
  public static final String REDACTED = "<redacted>";

  @Override
  public String toString() {
    return REDACTED;
  }
}
