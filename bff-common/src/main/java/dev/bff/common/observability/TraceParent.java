package dev.bff.common.observability;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The W3C {@code traceparent} header: {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}.
 * Reads one leniently where the specification asks (a later version may carry more fields) and
 * strictly elsewhere (lower-case hex, no all-zero ids, never version {@code ff}); writes version 00.
 */
public final class TraceParent {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final String ZERO_TRACE = "00000000000000000000000000000000";
  private static final String ZERO_SPAN = "0000000000000000";

  private TraceParent() {}

  /** Whether {@code h} is a traceparent this gateway continues. */
  public static boolean valid(String h) {
    if (h == null || h.length() < 55) {
      return false;
    }
    if (!hex(h, 0, 2) || h.startsWith("ff") || h.charAt(2) != '-' || !hex(h, 3, 35) || h.charAt(35) != '-'
        || !hex(h, 36, 52) || h.charAt(52) != '-' || !hex(h, 53, 55)) {
      return false;
    }
    if (h.startsWith("00") ? h.length() != 55 : h.length() > 55 && h.charAt(55) != '-') {
      return false;
    }
    return !h.regionMatches(3, ZERO_TRACE, 0, 32) && !h.regionMatches(36, ZERO_SPAN, 0, 16);
  }

  /** The trace id of a {@link #valid} traceparent. */
  public static String traceId(String h) {
    return h.substring(3, 35);
  }

  /** Whether a {@link #valid} traceparent says its trace is sampled. */
  public static boolean sampled(String h) {
    return (Character.digit(h.charAt(54), 16) & 1) == 1;
  }

  /**
   * A traceparent naming a new span (a random id) of trace {@code traceId} as the parent; a new trace
   * id too when {@code traceId} is null.
   */
  public static String child(String traceId, boolean sampled) {
    char[] c = new char[55];
    c[0] = '0';
    c[1] = '0';
    c[2] = '-';
    ThreadLocalRandom r = ThreadLocalRandom.current();
    if (traceId == null) {
      long hi;
      long lo;
      do {
        hi = r.nextLong();
        lo = r.nextLong();
      } while (hi == 0 && lo == 0);
      hex(hi, c, 3);
      hex(lo, c, 19);
    } else {
      traceId.getChars(0, 32, c, 3);
    }
    c[35] = '-';
    long span;
    do {
      span = r.nextLong();
    } while (span == 0);
    hex(span, c, 36);
    c[52] = '-';
    c[53] = '0';
    c[54] = sampled ? '1' : '0';
    return new String(c);
  }

  private static void hex(long v, char[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  private static boolean hex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
