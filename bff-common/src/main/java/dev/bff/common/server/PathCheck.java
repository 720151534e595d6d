package dev.bff.common.server;

/**
 * Rejects request targets a reverse proxy must not forward. In the path: not starting with
 * {@code /}, dot segments ({@code .}, {@code ..}, also percent-encoded, double-encoded or followed by
 * {@code ;params}), backslashes, encoded slashes, control characters, invalid or overlong
 * percent-encodings. In the query: control characters, raw or percent-encoded, and invalid
 * percent-encodings. Forwarding such a target could escape a route's prefix on the upstream or
 * smuggle a line break into what it logs or forwards.
 */
public final class PathCheck {
  /** How many times a path may be percent-encoded over itself before it is refused outright. */
  private static final int MAX_ENCODING_LEVELS = 3;

  private PathCheck() {}

  /** What is wrong with the raw path, or null when it is acceptable. */
  public static String problem(String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      return "the request path must start with '/'";
    }
    int n = path.length();
    boolean encodedPercent = false;
    for (int i = 0; i < n; i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "the request path contains a control character";
      }
      if (c == '\\') {
        return "the request path contains a backslash";
      }
      if (c == '%') {
        int v = escape(path, i);
        if (v < 0) {
          return "the request path has an invalid percent-encoding";
        }
        if (v == '/' || v == '\\' || v < 0x20 || v == 0x7f) {
          return "the request path contains an encoded slash, backslash or control character";
        }
        if (overlong(path, i, v)) {
          return "the request path has an invalid percent-encoding (overlong UTF-8)";
        }
        encodedPercent |= v == '%';
      }
      if (c == '/' && dotSegment(path, i + 1)) {
        return "the request path contains a '.' or '..' segment";
      }
    }
    return encodedPercent ? doubleEncoded(path, 1) : null;
  }

  /**
   * What is wrong with the raw query string (without {@code ?}), or null when it is acceptable
   * (also when there is none).
   */
  public static String queryProblem(String query) {
    if (query == null) {
      return null;
    }
    int n = query.length();
    for (int i = 0; i < n; i++) {
      char c = query.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "the query string contains a control character";
      }
      if (c == '%') {
        int v = escape(query, i);
        if (v < 0) {
          return "the query string has an invalid percent-encoding";
        }
        if (v < 0x20 || v == 0x7f) {
          return "the query string contains an encoded control character";
        }
      }
    }
    return null;
  }

  /**
   * A path that contains {@code %25} is decoded once and checked for what an upstream that decodes
   * again would see: encoded dot segments, slashes, backslashes and control characters.
   */
  private static String doubleEncoded(String path, int level) {
    String once = decodeOnce(path);
    int n = once.length();
    boolean again = false;
    for (int i = 0; i < n; i++) {
      char c = once.charAt(i);
      if (c == '%') {
        int v = escape(once, i);
        if (v == '/' || v == '\\' || (v >= 0 && v < 0x20) || v == 0x7f) {
          return "the request path contains a double-encoded slash, backslash or control character";
        }
        again |= v == '%';
      }
      if (c == '/' && dotSegment(once, i + 1)) {
        return "the request path contains a double-encoded '.' or '..' segment";
      }
    }
    if (!again) {
      return null;
    }
    return level >= MAX_ENCODING_LEVELS ? "the request path is percent-encoded too many times"
        : doubleEncoded(once, level + 1);
  }

  /** Decodes every valid {@code %XX} into the character of that byte value; the rest stays as it is. */
  private static String decodeOnce(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int v = c == '%' ? escape(s, i) : -1;
      if (v >= 0) {
        sb.append((char) v);
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The byte value of the escape at {@code i} ({@code %XX}), or -1 when it is not a valid one. */
  private static int escape(String s, int i) {
    if (i + 2 >= s.length()) {
      return -1;
    }
    int hi = hex(s.charAt(i + 1));
    int lo = hex(s.charAt(i + 2));
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
  }

  /**
   * Whether the escape at {@code i} with value {@code v} starts an overlong UTF-8 sequence
   * ({@code %c0%ae} is a '.' to a lenient decoder): C0 and C1 are never valid; E0 and F0 only before
   * A0 and 90 and above.
   */
  private static boolean overlong(String s, int i, int v) {
    if (v == 0xc0 || v == 0xc1) {
      return true;
    }
    if (v != 0xe0 && v != 0xf0) {
      return false;
    }
    int next = i + 3 < s.length() && s.charAt(i + 3) == '%' ? escape(s, i + 3) : -1;
    return next >= 0x80 && next < (v == 0xe0 ? 0xa0 : 0x90);
  }

  private static boolean dotSegment(String p, int start) {
    int i = start;
    int dots = 0;
    // ';' ends the segment too: servlet containers read "/..;x/" as "/../"
    while (i < p.length() && p.charAt(i) != '/' && p.charAt(i) != '?' && p.charAt(i) != ';') {
      if (p.charAt(i) == '.') {
        i++;
      } else if (p.regionMatches(true, i, "%2e", 0, 3)) {
        i += 3;
      } else {
        return false;
      }
      dots++;
    }
    return dots == 1 || dots == 2;
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
