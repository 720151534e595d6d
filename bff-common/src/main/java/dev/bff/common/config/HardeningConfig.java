package dev.bff.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Deny rules every request is screened with before routing, in addition to the built-in checks
 * (path traversal, control characters, percent-encoding, framing) that are always on.
 *
 * @param denyPatterns       Java regular expressions searched in the percent-decoded path and,
 *                           separately, in the decoded query string ({@code +} read as a space)
 * @param denyHeaderPatterns Java regular expressions searched in each request header written as
 *                           {@code name: value}, the name in lower case
 */
public record HardeningConfig(List<Pattern> denyPatterns, List<Pattern> denyHeaderPatterns) {
  /** No deny rules. */
  public static final HardeningConfig NONE = new HardeningConfig(List.of(), List.of());

  /** Whether there is no deny rule at all. */
  public boolean isEmpty() {
    return denyPatterns.isEmpty() && denyHeaderPatterns.isEmpty();
  }

  static HardeningConfig read(ConfigNode n) {
    if (!n.present()) {
      return NONE;
    }
    n.allowOnly(Set.of("deny-patterns", "deny-header-patterns"));
    return new HardeningConfig(patterns(n, "deny-patterns"), patterns(n, "deny-header-patterns"));
  }

  private static List<Pattern> patterns(ConfigNode n, String key) {
    List<Pattern> out = new ArrayList<>();
    for (ConfigNode p : n.list(key)) {
      String t = p.text();
      if (t == null) {
        continue;
      }
      if (t.isEmpty()) {
        p.problem(null, "must not be empty (it would match every request)");
        continue;
      }
      try {
        out.add(Pattern.compile(t));
      } catch (PatternSyntaxException e) {
        p.problem(null, "is not a valid regular expression: " + e.getDescription()
            + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
      }
    }
    return List.copyOf(out);
  }
}
