package dev.bff.common.files;

import dev.bff.common.cache.ETags;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * A static file's validators and the conditional request headers that use them (RFC 9110 13):
 * {@code If-None-Match} (weak comparison) before {@code If-Modified-Since}, which is ignored when
 * {@code If-None-Match} is present; and {@code If-Range}, which keeps a {@code Range} only for a
 * strong tag that is exactly the current one, or for the exact {@code Last-Modified} date.
 */
final class Validators {
  /** The IMF-fixdate of RFC 9110 5.6.7 (RFC 1123's format, with a two-digit day). */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private Validators() {}

  /** {@code time} (milliseconds since the epoch) as an HTTP-date, e.g. {@code Tue, 03 Jun 2008 11:05:30 GMT}. */
  static String httpDate(long time) {
    return IMF_FIXDATE.format(Instant.ofEpochMilli(time));
  }

  /** An HTTP-date in seconds since the epoch, or -1 when it is not one. */
  static long parseDate(String value) {
    try {
      return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
    } catch (DateTimeParseException e) {
      return -1;
    }
  }

  /** The quoted entity tag: weak or strong, with the content coding when the body is sent encoded. */
  static String entityTag(String opaque, boolean weak, String coding) {
    String tag = coding == null ? '"' + opaque + '"' : '"' + opaque + '-' + coding + '"';
    return weak ? "W/" + tag : tag;
  }

  /**
   * Whether a GET or HEAD gets 304: {@code If-None-Match} matches {@code tag} (or is {@code *}), or,
   * without it, the file has not changed since {@code If-Modified-Since}.
   *
   * @param tag          the entity tag sent, or null when there is none
   * @param lastModified the file's modification time in milliseconds
   */
  static boolean notModified(String ifNoneMatch, String ifModifiedSince, String tag, long lastModified) {
    if (ifNoneMatch != null) {
      return ifNoneMatch.trim().equals("*") || tag != null && ETags.matches(ifNoneMatch, tag);
    }
    if (ifModifiedSince == null) {
      return false;
    }
    long since = parseDate(ifModifiedSince);
    return since >= 0 && Math.floorDiv(lastModified, 1000) <= since;
  }

  /**
   * Whether a {@code Range} is to be served: there is no {@code If-Range}, or it names the current
   * representation by a strong tag (compared strongly: never a weak one) or by its exact date.
   */
  static boolean rangeHolds(String ifRange, String strongTag, long lastModified) {
    if (ifRange == null) {
      return true;
    }
    String v = ifRange.trim();
    if (v.startsWith("\"")) {
      return strongTag != null && !strongTag.startsWith("W/") && v.equals(strongTag);
    }
    if (v.startsWith("W/")) {
      return false;
    }
    long date = parseDate(v);
    return date >= 0 && date == Math.floorDiv(lastModified, 1000);
  }
}
