package dev.bff.common.cache;

import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Strong entity tags of whole response bodies (RFC 9110 8.8.3) and {@code If-None-Match}
 * evaluation. A compressed representation is a different representation, so its tag carries the
 * content coding ({@code "abc-gzip"}).
 */
public final class ETags {
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  });

  private ETags() {}

  /**
   * The strong tag of a body: the first 128 bits of its SHA-256 in base64url, quoted; with
   * {@code coding} (e.g. {@code gzip}) appended when the body is sent content-coded.
   */
  public static String of(Buffer body, String coding) {
    MessageDigest d = SHA256.get();
    d.reset();
    byte[] hash = d.digest(body.getBytes());
    String opaque = Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 16));
    return coding == null ? '"' + opaque + '"' : '"' + opaque + '-' + coding + '"';
  }

  /**
   * Whether an {@code If-None-Match} value matches {@code tag}: {@code *}, or any listed tag equal to
   * it by the weak comparison RFC 9110 13.1.2 prescribes for this header.
   */
  public static boolean matches(String ifNoneMatch, String tag) {
    if (ifNoneMatch == null) {
      return false;
    }
    String opaque = strip(tag);
    int i = 0;
    int n = ifNoneMatch.length();
    while (i < n) {
      char c = ifNoneMatch.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        i++;
        continue;
      }
      if (c == '*') {
        return true;
      }
      int start = i;
      if (ifNoneMatch.startsWith("W/", i)) {
        i += 2;
      }
      if (i >= n || ifNoneMatch.charAt(i) != '"') {
        return false; // malformed: match nothing rather than guess
      }
      int close = ifNoneMatch.indexOf('"', i + 1);
      if (close < 0) {
        return false;
      }
      if (strip(ifNoneMatch.substring(start, close + 1)).equals(opaque)) {
        return true;
      }
      i = close + 1;
    }
    return false;
  }

  private static String strip(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }
}
