package dev.bff.common.shape;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Building upstream paths from client input safely. */
public final class Paths {
  private Paths() {}

  /**
   * Percent-encodes one path segment, so client input can never add segments or a query, nor be a
   * {@code .} or {@code ..} segment that walks up the upstream's path.
   */
  public static String segment(String value) {
    if (value.equals(".") || value.equals("..")) {
      return value.replace(".", "%2E");
    }
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Percent-encodes one query parameter value. */
  public static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
