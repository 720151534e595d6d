package dev.bff.common.config;

/** Checks of header names against the RFC 9110 token grammar. */
public final class HeaderNames {
  private HeaderNames() {}

  /** Whether {@code s} is a non-empty RFC 9110 token (valid as a header name). */
  public static boolean isToken(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
