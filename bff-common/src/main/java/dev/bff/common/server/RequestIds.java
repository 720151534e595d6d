package dev.bff.common.server;

import java.util.concurrent.ThreadLocalRandom;

/** Accepts well-formed client request ids and generates new ones (128 random bits, hex). */
public final class RequestIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  /** The client's id if it is 1-128 characters of {@code [A-Za-z0-9._:-]}, else a new one. */
  public static String acceptOrGenerate(String fromClient) {
    if (fromClient != null && valid(fromClient)) {
      return fromClient;
    }
    return generate();
  }

  /** A new random id of 32 hex characters. */
  public static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[32];
    long a = r.nextLong();
    long b = r.nextLong();
    for (int i = 0; i < 16; i++) {
      out[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xf];
      out[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xf];
    }
    return new String(out);
  }

  static boolean valid(String s) {
    int n = s.length();
    if (n == 0 || n > 128) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == ':' || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
