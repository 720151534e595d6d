package dev.bff.common.routing;

import dev.bff.common.config.PathSyntax;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled route path: literal segments, {@code :param} segments and an optional trailing
 * {@code /**}. Matching walks the raw path once and allocates only when there are parameters.
 */
public final class PathPattern {
  /** How specific a pattern is; lower ordinal wins. */
  public enum Kind { EXACT, PARAM, PREFIX }

  private final String text;
  private final String[] literals; // null entry = parameter
  private final String[] names;
  private final boolean prefix;
  private final int literalCount;

  private PathPattern(String text, String[] literals, String[] names, boolean prefix) {
    this.text = text;
    this.literals = literals;
    this.names = names;
    this.prefix = prefix;
    int n = 0;
    for (String l : literals) {
      n += l == null ? 0 : 1;
    }
    this.literalCount = n;
  }

  /** Compiles {@code text}; see {@link PathSyntax#check(String)} for the syntax. */
  public static PathPattern compile(String text) {
    String err = PathSyntax.check(text);
    if (err != null) {
      throw new IllegalArgumentException("path '" + text + "' " + err);
    }
    boolean prefix = text.endsWith("/**");
    String body = prefix ? text.substring(0, text.length() - 3) : text;
    List<String> lits = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (!body.isEmpty() && !body.equals("/")) {
      for (String s : body.substring(1).split("/", -1)) {
        if (s.startsWith(":")) {
          lits.add(null);
          names.add(s.substring(1));
        } else {
          lits.add(s);
        }
      }
    } else if (body.equals("/") && !prefix) {
      lits.add("");
    }
    return new PathPattern(text, lits.toArray(new String[0]), names.toArray(new String[0]), prefix);
  }

  /** The pattern's kind, for precedence. */
  public Kind kind() {
    return prefix ? Kind.PREFIX : names.length > 0 ? Kind.PARAM : Kind.EXACT;
  }

  /** Segments before any {@code /**}; more segments is more specific. */
  public int segmentCount() {
    return literals.length;
  }

  /** Literal segments; more literals is more specific. */
  public int literalCount() {
    return literalCount;
  }

  /** Parameter names in order. */
  public String[] paramNames() {
    return names;
  }

  /**
   * Matches a raw (still percent-encoded) path.
   *
   * @return null when it does not match
   */
  public PathMatch match(String path) {
    int len = path.length();
    int pos = 0;
    String[] values = names.length == 0 ? null : new String[names.length];
    int p = 0;
    for (String lit : literals) {
      if (pos >= len || path.charAt(pos) != '/') {
        return null;
      }
      int start = pos + 1;
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = len;
      }
      if (lit == null) {
        if (end == start) {
          return null;
        }
        values[p++] = path.substring(start, end);
      } else if (end - start != lit.length() || !path.regionMatches(start, lit, 0, lit.length())) {
        return null;
      }
      pos = end;
    }
    if (prefix) {
      if (pos == len) {
        return values == null ? PathMatch.EMPTY_REST : new PathMatch(names, values, "");
      }
      if (path.charAt(pos) != '/') {
        return null;
      }
      return new PathMatch(names, values, path.substring(pos));
    }
    if (pos != len) {
      return null;
    }
    return values == null ? PathMatch.NONE : new PathMatch(names, values, null);
  }

  @Override
  public String toString() {
    return text;
  }
}
