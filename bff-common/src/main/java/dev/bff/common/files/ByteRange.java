package dev.bff.common.files;

/**
 * The one byte range a {@code Range} header asks of a file (RFC 9110 14.1.2): {@code bytes=10-19},
 * {@code bytes=10-} (to the end) or {@code bytes=-10} (the last ten). A header that is not such a
 * single range (another unit, malformed, or several ranges) is ignored and the whole file is sent:
 * the RFC lets a server do so, and multipart/byteranges answers are not worth their cost here.
 *
 * @param start the first byte, or -1 when the range is not satisfiable
 * @param end   the last byte (inclusive)
 * @param size  the file's size
 */
public record ByteRange(long start, long end, long size) {
  /** Whether the range lies at least partly within the file (else the answer is 416). */
  public boolean satisfiable() {
    return start >= 0;
  }

  /** How many bytes the range holds. */
  public long length() {
    return end - start + 1;
  }

  /** The {@code Content-Range} value: {@code bytes 10-19/100}, or {@code bytes *}{@code /100} when unsatisfiable. */
  public String contentRange() {
    return satisfiable() ? "bytes " + start + "-" + end + "/" + size : "bytes */" + size;
  }

  /** The range {@code header} asks of a file of {@code size} bytes, or null to send the whole file. */
  public static ByteRange of(String header, long size) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    long first = number(spec.substring(0, dash).trim());
    long last = number(spec.substring(dash + 1).trim());
    if (dash == 0) { // a suffix: the last N bytes
      if (last < 0) {
        return null;
      }
      return last == 0 || size == 0 ? new ByteRange(-1, -1, size)
          : new ByteRange(Math.max(0, size - last), size - 1, size);
    }
    if (first < 0 || (dash < spec.length() - 1 && last < 0) || (last >= 0 && last < first)) {
      return null; // malformed, or last before first: invalid, so ignored (RFC 9110 14.1.1)
    }
    if (first >= size) {
      return new ByteRange(-1, -1, size);
    }
    return new ByteRange(first, last < 0 || last >= size ? size - 1 : last, size);
  }

  /** A non-negative decimal without sign, or -1 (empty, other characters, or too long). */
  private static long number(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(s);
  }
}
