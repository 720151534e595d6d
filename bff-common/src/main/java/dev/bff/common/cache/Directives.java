package dev.bff.common.cache;

import java.util.List;

/**
 * The {@code Cache-Control} directives a shared cache acts on (RFC 9111 5.2, RFC 5861), parsed from
 * all the header's field lines. Delta-seconds are -1 when absent; an invalid value makes its
 * directive count as absent, except {@code max-age} and {@code s-maxage}, which then mean stale
 * (RFC 9111 4.2.1: an invalid freshness is treated as already expired).
 *
 * @param maxAge               {@code max-age}
 * @param sMaxAge              {@code s-maxage}
 * @param noStore              {@code no-store}
 * @param noCache              {@code no-cache}, also with field names (treated as the whole response)
 * @param isPrivate            {@code private}, also with field names
 * @param isPublic             {@code public}
 * @param mustRevalidate       {@code must-revalidate} or {@code proxy-revalidate}
 * @param staleWhileRevalidate {@code stale-while-revalidate}
 * @param staleIfError         {@code stale-if-error}
 * @param onlyIfCached         {@code only-if-cached} (a request directive)
 */
public record Directives(long maxAge, long sMaxAge, boolean noStore, boolean noCache, boolean isPrivate,
    boolean isPublic, boolean mustRevalidate, long staleWhileRevalidate, long staleIfError, boolean onlyIfCached) {
  /** A header without directives. */
  public static final Directives NONE = new Directives(-1, -1, false, false, false, false, false, -1, -1, false);

  /** Parses every field line of {@code Cache-Control}; {@link #NONE} when there are none. */
  public static Directives parse(List<String> values) {
    if (values == null || values.isEmpty()) {
      return NONE;
    }
    long maxAge = -1;
    long sMaxAge = -1;
    long swr = -1;
    long sie = -1;
    boolean noStore = false;
    boolean noCache = false;
    boolean priv = false;
    boolean pub = false;
    boolean mustRevalidate = false;
    boolean onlyIfCached = false;
    for (String line : values) {
      int i = 0;
      int n = line.length();
      while (i < n) {
        int end = next(line, i);
        String item = line.substring(i, end).trim();
        i = end + 1;
        if (item.isEmpty()) {
          continue;
        }
        int eq = item.indexOf('=');
        String name = (eq < 0 ? item : item.substring(0, eq)).trim().toLowerCase(java.util.Locale.ROOT);
        String value = eq < 0 ? null : unquote(item.substring(eq + 1).trim());
        switch (name) {
          case "max-age" -> maxAge = seconds(value, 0);
          case "s-maxage" -> sMaxAge = seconds(value, 0);
          case "stale-while-revalidate" -> swr = seconds(value, -1);
          case "stale-if-error" -> sie = seconds(value, -1);
          case "no-store" -> noStore = true;
          case "no-cache" -> noCache = true;
          case "private" -> priv = true;
          case "public" -> pub = true;
          case "must-revalidate", "proxy-revalidate" -> mustRevalidate = true;
          case "only-if-cached" -> onlyIfCached = true;
          default -> { } // extensions we do not act on
        }
      }
    }
    return new Directives(maxAge, sMaxAge, noStore, noCache, priv, pub, mustRevalidate, swr, sie, onlyIfCached);
  }

  /** The end of the directive starting at {@code from}: the next comma outside a quoted string. */
  private static int next(String s, int from) {
    boolean quoted = false;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && quoted) {
        i++;
      } else if (c == ',' && !quoted) {
        return i;
      }
    }
    return s.length();
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"' ? v.substring(1, v.length() - 1) : v;
  }

  /** Delta-seconds (RFC 9111 1.2.2: overflow saturates), or {@code invalid} when not digits. */
  private static long seconds(String v, long invalid) {
    if (v == null || v.isEmpty()) {
      return invalid;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return invalid;
      }
      n = n > Integer.MAX_VALUE ? n : n * 10 + (c - '0');
    }
    return Math.min(n, Integer.MAX_VALUE);
  }

  /** Whether the response said how long it stays fresh (explicitly, not heuristically). */
  public boolean hasFreshness() {
    return maxAge >= 0 || sMaxAge >= 0;
  }
}
