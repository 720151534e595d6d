package dev.bff.common.cache;

import dev.bff.common.config.RouteCacheConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a shared cache may store a response (RFC 9111 3): a cacheable status, no
 * {@code no-store} or {@code private}, no {@code Vary: *}, no {@code Set-Cookie} (one caller's
 * session is never handed to another), and, for a request made with credentials, {@code public} or
 * {@code s-maxage} in the response or a route keyed per user (RFC 9111 3.5). A response that could
 * never be used again (no freshness, no stale window, nothing to revalidate with) is not stored either.
 */
public final class Storable {
  private Storable() {}

  /**
   * Why a response is not stored, or null when it may be.
   *
   * @param status        its status
   * @param headers       its headers as the upstream sent them
   * @param cc            its {@code Cache-Control}
   * @param freshness     its lifetimes
   * @param authenticated whether the request carried credentials ({@code Authorization}, an API key, a certificate)
   * @param policy        the route's settings
   */
  public static String refusal(int status, MultiMap headers, Directives cc, Freshness freshness, boolean authenticated,
      RouteCacheConfig policy) {
    if (!policy.statuses().contains(status)) {
      return "status " + status;
    }
    if (cc.noStore()) {
      return "no-store";
    }
    if (cc.isPrivate()) {
      return "private";
    }
    if (headers.contains(HttpHeaders.SET_COOKIE)) {
      return "set-cookie";
    }
    List<String> vary = vary(headers);
    if (vary == null) {
      return "vary *";
    }
    if (authenticated && !policy.perUser() && !cc.isPublic() && cc.sMaxAge() < 0) {
      return "authorization";
    }
    boolean validatable = headers.contains(HttpHeaders.ETAG) || headers.contains(HttpHeaders.LAST_MODIFIED);
    if (!validatable && (freshness.keep(false, 0) <= 0 || freshness.noCache())) {
      return "no freshness";
    }
    return null;
  }

  /** The request headers a response varies on (lower case, in order), or null for {@code Vary: *}. */
  public static List<String> vary(MultiMap headers) {
    List<String> lines = headers.getAll(HttpHeaders.VARY);
    if (lines.isEmpty()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String line : lines) {
      for (String n : line.split(",")) {
        String name = n.trim().toLowerCase(Locale.ROOT);
        if (name.equals("*")) {
          return null;
        }
        if (!name.isEmpty() && !names.contains(name)) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** The tags listed in the tags header (space- or comma-separated). */
  public static List<String> tags(MultiMap headers, String tagsHeader) {
    List<String> lines = headers.getAll(tagsHeader);
    if (lines.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      for (String t : line.split("[\\s,]+")) {
        if (!t.isEmpty() && !out.contains(t)) {
          out.add(t);
        }
      }
    }
    return out;
  }
}
