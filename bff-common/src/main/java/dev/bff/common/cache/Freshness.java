package dev.bff.common.cache;

import dev.bff.common.config.RouteCacheConfig;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How long a response stays fresh and may be served stale (RFC 9111 4.2, RFC 5861), in
 * milliseconds. {@code s-maxage} wins over {@code max-age}, which wins over {@code Expires - Date};
 * without any of them the route's {@code ttl} applies. {@code s-maxage} also implies
 * {@code proxy-revalidate} (RFC 9111 5.2.2.10), so such an entry is never served stale.
 *
 * @param fresh          the freshness lifetime
 * @param swr            how long past it the entry may be served while a background request refreshes it
 * @param sie            how long past it the entry may be served when the upstream fails
 * @param noCache        the entry must be revalidated before every use
 * @param mustRevalidate the entry is never served stale
 * @param initialAge     the {@code Age} the response arrived with
 */
public record Freshness(long fresh, long swr, long sie, boolean noCache, boolean mustRevalidate, long initialAge) {

  /**
   * The lifetimes of a response.
   *
   * @param cc      its {@code Cache-Control}
   * @param expires its {@code Expires}, or null
   * @param date    its {@code Date}, or null
   * @param age     its {@code Age}, or null
   * @param policy  the route's settings (ttl and the stale windows when the response gives none)
   * @param now     when it was received (epoch millis), for an {@code Expires} without {@code Date}
   */
  public static Freshness of(Directives cc, String expires, String date, String age, RouteCacheConfig policy,
      long now) {
    long fresh;
    boolean mustRevalidate = cc.mustRevalidate();
    if (cc.sMaxAge() >= 0) {
      fresh = cc.sMaxAge() * 1000;
      mustRevalidate = true;
    } else if (cc.maxAge() >= 0) {
      fresh = cc.maxAge() * 1000;
    } else if (expires != null) {
      long e = httpDate(expires);
      long d = date == null ? now : httpDate(date);
      fresh = e < 0 || d < 0 ? 0 : Math.max(0, e - d); // an invalid Expires means already expired
    } else {
      fresh = policy.ttl().toMillis();
    }
    long swr = cc.staleWhileRevalidate() >= 0 ? cc.staleWhileRevalidate() * 1000 : millis(policy.staleWhileRevalidate());
    long sie = cc.staleIfError() >= 0 ? cc.staleIfError() * 1000 : millis(policy.staleIfError());
    long initial = 0;
    if (age != null) {
      try {
        initial = Math.max(0, Long.parseLong(age.trim())) * 1000;
      } catch (NumberFormatException e) {
        initial = 0; // RFC 9111 5.1: an invalid Age is ignored
      }
    }
    return new Freshness(fresh, swr, sie, cc.noCache(), mustRevalidate, initial);
  }

  private static long millis(Duration d) {
    return d == null ? 0 : d.toMillis();
  }

  /** An HTTP-date (IMF-fixdate, also RFC 850 and asctime forms RFC 1123 parsing accepts) in epoch millis, or -1. */
  static long httpDate(String v) {
    try {
      return ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return -1;
    }
  }

  /** Whether an entry {@code age} old may be served without asking the upstream. */
  public boolean isFresh(long age) {
    return !noCache && age < fresh;
  }

  /** Whether an entry {@code age} old may be served while one request refreshes it in the background. */
  public boolean servableWhileRevalidating(long age) {
    return !noCache && !mustRevalidate && age < fresh + swr;
  }

  /** Whether an entry {@code age} old may be served because the upstream failed. */
  public boolean servableOnError(long age) {
    return !noCache && !mustRevalidate && age < fresh + sie;
  }

  /** How long past its arrival an entry is worth keeping: fresh, then stale windows, then revalidation. */
  public long keep(boolean validatable, long revalidateWindow) {
    long stale = noCache || mustRevalidate ? 0 : Math.max(swr, sie);
    return fresh + stale + (validatable ? revalidateWindow : 0) - initialAge;
  }
}
