package dev.bff.common.config;

import java.util.Map;
import java.util.function.Function;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:default}} in configuration values with environment
 * variables. {@code $${} } escapes a literal {@code ${}.
 */
public final class EnvSubstitution {
  private final Function<String, String> env;

  /** Substitutes from the given lookup (a map in tests, {@link System#getenv()} in production). */
  public EnvSubstitution(Function<String, String> env) {
    this.env = env;
  }

  /** Substitutes from the process environment. */
  public static EnvSubstitution fromSystem() {
    Map<String, String> vars = System.getenv();
    return new EnvSubstitution(vars::get);
  }

  /**
   * Returns {@code value} with every reference replaced.
   *
   * @throws IllegalArgumentException naming the variable when one is unset and has no default, or
   *     when a reference is not closed
   */
  public String apply(String value) {
    int start = value.indexOf("${");
    if (start < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    int i = 0;
    while (start >= 0) {
      if (start > 0 && value.charAt(start - 1) == '$') {
        out.append(value, i, start - 1).append("${");
        i = start + 2;
        start = value.indexOf("${", i);
        continue;
      }
      int end = value.indexOf('}', start);
      if (end < 0) {
        throw new IllegalArgumentException("unclosed '${' in '" + value + "'");
      }
      String ref = value.substring(start + 2, end);
      int colon = ref.indexOf(':');
      String name = colon < 0 ? ref : ref.substring(0, colon);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("empty variable name in '" + value + "'");
      }
      String resolved = env.apply(name);
      if (resolved == null) {
        if (colon < 0) {
          throw new IllegalArgumentException("environment variable " + name + " is not set and has no default");
        }
        resolved = ref.substring(colon + 1);
      }
      out.append(value, i, start).append(resolved);
      i = end + 1;
      start = value.indexOf("${", i);
    }
    return out.append(value, i, value.length()).toString();
  }
}
