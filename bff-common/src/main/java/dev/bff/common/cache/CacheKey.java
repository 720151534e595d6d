package dev.bff.common.cache;

import dev.bff.common.auth.Principal;
import dev.bff.common.config.RouteCacheConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key of a cached response: {@link #visible()} is what the purge API names ({@code GET} with the
 * client's path and the query as the route keys it), and {@link #primary()} adds the route, the
 * caller (with {@code per-user}) and the key headers. Responses with {@code Vary} live under
 * {@link #variant}s of the primary key. The parts are separated by spaces, which neither a path
 * nor a query string can hold, so a key's visible part is everything before its second space.
 *
 * @param visible e.g. {@code GET /api/products/7?lang=de}
 * @param primary e.g. {@code GET /api/products/7?lang=de @products u=jwt:u7}
 */
public record CacheKey(String visible, String primary) {

  /**
   * The key of a request.
   *
   * @param route     the route or endpoint id
   * @param path      the client's path
   * @param query     the raw query string, or null
   * @param headers   the client's request headers
   * @param principal the verified caller, or null
   * @param policy    the route's key settings
   */
  public static CacheKey of(String route, String path, String query, MultiMap headers, Principal principal,
      RouteCacheConfig policy) {
    StringBuilder sb = new StringBuilder(path.length() + 48).append("GET ").append(path);
    String q = switch (policy.query()) {
      case ALL -> query == null || query.isEmpty() ? null : query;
      case NONE -> null;
      case LIST -> selected(query, policy);
    };
    if (q != null) {
      sb.append('?').append(q);
    }
    String visible = sb.toString();
    sb.append(" @").append(route);
    if (policy.perUser()) {
      String user = user(principal, headers.get(HttpHeaders.AUTHORIZATION));
      if (user != null) {
        sb.append(" u=").append(user);
      }
    }
    for (String h : policy.keyHeaders()) {
      sb.append(" h:").append(h).append('=');
      String v = headers.get(h);
      if (v != null) {
        sb.append(v);
      }
    }
    return new CacheKey(visible, sb.toString());
  }

  /** A normalised {@code GET /path?query} from what an operator gives the purge API ({@code /path} alone too). */
  public static String visibleOf(String key) {
    String k = key.trim();
    if (k.startsWith("/")) {
      return "GET " + k;
    }
    if (k.startsWith("HEAD ")) {
      return "GET " + k.substring(5).trim();
    }
    return k;
  }

  /** The visible part of a stored key. */
  public static String visiblePart(String storedKey) {
    int first = storedKey.indexOf(' ');
    int second = first < 0 ? -1 : storedKey.indexOf(' ', first + 1);
    return second < 0 ? storedKey : storedKey.substring(0, second);
  }

  /** The key of the variant of this key's response that matches the request's values of {@code vary}. */
  public String variant(String[] vary, MultiMap headers) {
    StringBuilder sb = new StringBuilder(primary);
    for (String name : vary) {
      sb.append(" v:").append(name).append('=');
      java.util.List<String> all = headers.getAll(name);
      for (int i = 0; i < all.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(all.get(i).trim());
      }
    }
    return sb.toString();
  }

  private static String selected(String query, RouteCacheConfig policy) {
    if (query == null || query.isEmpty()) {
      return null;
    }
    String[] pairs = query.split("&");
    StringBuilder out = new StringBuilder();
    for (String name : policy.queryNames()) {
      for (String p : pairs) {
        int eq = p.indexOf('=');
        String n = eq < 0 ? p : p.substring(0, eq);
        if (n.equals(name)) {
          out.append(out.length() == 0 ? "" : "&").append(p);
        }
      }
    }
    return out.length() == 0 ? null : out.toString();
  }

  /** The caller: a principal's kind and identity, else a digest of the Authorization header, else null. */
  private static String user(Principal p, String authorization) {
    if (p != null) {
      return p.partner() != null ? p.method().yaml() + ":" + p.partner()
          : "jwt:" + p.issuer() + "/" + p.subject();
    }
    if (authorization == null) {
      return null;
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(authorization.getBytes(StandardCharsets.UTF_8));
      return "authorization:" + HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return primary;
  }
}
