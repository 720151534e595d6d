package dev.bff.common.server;

/**
 * Rejects request paths a reverse proxy must not forward: not starting with {@code /}, dot
 * segments ({@code .}, {@code ..}, also percent-encoded or followed by {@code ;params}),
 * backslashes, encoded slashes and control characters. Forwarding such a path could escape a
 * route's prefix on the upstream.
 */
public final class PathCheck {
  private PathCheck() {}

  /** What is wrong with the raw path, or null when it is acceptable. */
  public static String problem(String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      return "the request path must start with '/'";
    }
    int n = path.length();
    for (int i = 0; i < n; i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "the request path contains a control character";
      }
      if (c == '\\') {
        return "the request path contains a backslash";
      }
      if (c == '%') {
        if (i + 2 >= n || hex(path.charAt(i + 1)) < 0 || hex(path.charAt(i + 2)) < 0) {
          return "the request path has an invalid percent-encoding";
        }
        int v = hex(path.charAt(i + 1)) * 16 + hex(path.charAt(i + 2));
        if (v == '/' || v == '\\' || v < 0x20 || v == 0x7f) {
          return "the request path contains an encoded slash, backslash or control character";
        }
      }
      if (c == '/' && dotSegment(path, i + 1)) {
        return "the request path contains a '.' or '..' segment";
      }
    }
    return null;
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
