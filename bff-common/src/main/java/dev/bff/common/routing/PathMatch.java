package dev.bff.common.routing;

/**
 * What a path pattern captured: parameter values (raw, still percent-encoded) and, for
 * {@code /**} patterns, the rest of the path after the prefix (starting with {@code /}, or empty).
 */
public final class PathMatch {
  static final String[] NO_NAMES = new String[0];
  /** A match without parameters or rest. */
  public static final PathMatch NONE = new PathMatch(NO_NAMES, null, null);
  /** A prefix match that consumed the whole path. */
  public static final PathMatch EMPTY_REST = new PathMatch(NO_NAMES, null, "");

  private final String[] names;
  private final String[] values;
  private final String rest;

  PathMatch(String[] names, String[] values, String rest) {
    this.names = names;
    this.values = values;
    this.rest = rest;
  }

  /** The raw value of parameter {@code name}, or null. */
  public String param(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return values[i];
      }
    }
    return null;
  }

  /** What {@code /**} matched (starting with {@code /}, or empty); null for other patterns. */
  public String rest() {
    return rest;
  }
}
