package dev.bff.common.shape;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Building paths and URLs from client input safely. */
public final class Paths {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  /** Characters a query string may hold as they are (RFC 3986 3.4), besides letters and digits. */
  private static final String QUERY_CHARS = "-._~!$&'()*+,;=:@/?";

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

  /**
   * Percent-decodes a raw path segment as UTF-8 ({@code +} stays a plus); null when it has an
   * invalid escape or is not valid UTF-8 once decoded. Raw characters up to U+00FF are taken as the
   * bytes of the request line they were read from.
   */
  public static String decode(String raw) {
    boolean plain = true;
    for (int i = 0; i < raw.length() && plain; i++) {
      plain = raw.charAt(i) != '%' && raw.charAt(i) < 0x80;
    }
    if (plain) {
      return raw;
    }
    byte[] out = new byte[raw.length() * 3];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (lo < 0) {
          return null;
        }
        out[n++] = (byte) (hi * 16 + lo);
        i += 2;
      } else if (c <= 0xff) {
        out[n++] = (byte) c;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, out, n, b.length);
        n += b.length;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out, 0, n)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * A raw query string as sent, with every character a query may not hold as it is percent-encoded
   * (spaces, control characters, non-ASCII, quotes, a {@code %} that starts no valid escape): safe to
   * put in a URL or a header whatever the client sent, and unchanged when it was well formed. Raw
   * characters up to U+00FF are taken as the bytes of the request line they were read from.
   */
  public static String cleanQuery(String raw) {
    StringBuilder sb = null;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      boolean keep = c < 0x80 && (Character.isLetterOrDigit(c) || QUERY_CHARS.indexOf(c) >= 0
          || c == '%' && i + 2 < raw.length() && Character.digit(raw.charAt(i + 1), 16) >= 0
          && Character.digit(raw.charAt(i + 2), 16) >= 0);
      if (keep && sb == null) {
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(raw.length() + 16).append(raw, 0, i);
      }
      if (keep) {
        sb.append(c);
      } else if (c <= 0xff) {
        sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      } else {
        for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
          sb.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
      }
    }
    return sb == null ? raw : sb.toString();
  }
}
