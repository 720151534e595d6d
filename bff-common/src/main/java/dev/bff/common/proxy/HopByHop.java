package dev.bff.common.proxy;

import io.vertx.core.MultiMap;

/**
 * Hop-by-hop headers (RFC 9110 section 7.6.1): never forwarded, in either direction, together with
 * every header named in {@code Connection}.
 */
public final class HopByHop {
  private HopByHop() {}

  /** Whether {@code name} is a hop-by-hop header (case-insensitive). */
  public static boolean is(String name) {
    return switch (name.length()) {
      case 2 -> name.equalsIgnoreCase("te");
      case 7 -> name.equalsIgnoreCase("trailer") || name.equalsIgnoreCase("upgrade");
      case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
      case 16 -> name.equalsIgnoreCase("proxy-connection");
      case 17 -> name.equalsIgnoreCase("transfer-encoding");
      default -> false;
    };
  }

  /** Removes from {@code headers} every header named in its {@code Connection} headers. */
  public static void removeConnectionTokens(MultiMap headers) {
    String conn = headers.get("connection");
    if (conn == null) {
      return;
    }
    for (String v : headers.getAll("connection")) {
      for (String token : v.split(",")) {
        String t = token.trim();
        if (!t.isEmpty() && !t.equalsIgnoreCase("close") && !t.equalsIgnoreCase("keep-alive")) {
          headers.remove(t);
        }
      }
    }
  }

  /** Removes the hop-by-hop headers and those named in {@code Connection} from {@code headers}. */
  public static void strip(MultiMap headers) {
    removeConnectionTokens(headers);
    headers.remove("connection").remove("keep-alive").remove("proxy-connection").remove("te").remove("trailer")
        .remove("transfer-encoding").remove("upgrade");
  }
}
