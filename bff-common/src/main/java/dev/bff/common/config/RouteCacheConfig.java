package dev.bff.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a route or endpoint is cached (its {@code cache} block). The upstream's {@code Cache-Control}
 * and {@code Expires} decide first; these settings fill in what it does not say.
 *
 * @param ttl                  freshness of a response that carries no {@code max-age},
 *                             {@code s-maxage} or {@code Expires}; zero stores it only to be revalidated
 * @param staleWhileRevalidate serve a stale entry this long past expiry while one background request
 *                             refreshes it, when the response has no {@code stale-while-revalidate}; null for none
 * @param staleIfError         serve a stale entry this long past expiry when the upstream fails, when
 *                             the response has no {@code stale-if-error}; null for none
 * @param query                which query parameters are part of the key
 * @param queryNames           the parameters kept with {@link Query#LIST}, in key order
 * @param keyHeaders           request headers whose values are part of the key (lower case)
 * @param perUser              the caller (JWT subject, partner) is part of the key, so answers to
 *                             authenticated requests are cached per caller
 * @param statuses             statuses that may be stored
 * @param tagsHeader           the response header listing the entry's tags, space-separated, for purges
 * @param methods              GET, and HEAD (answered from GET entries)
 * @param clientCacheControl   whether a client's {@code Cache-Control} request directives are obeyed
 * @param collapse             whether concurrent misses of one key wait for one upstream request
 * @param collapseWait         how long such a request waits before going upstream itself
 */
public record RouteCacheConfig(Duration ttl, Duration staleWhileRevalidate, Duration staleIfError, Query query,
    List<String> queryNames, List<String> keyHeaders, boolean perUser, Set<Integer> statuses, String tagsHeader,
    Set<String> methods, ClientCacheControl clientCacheControl, boolean collapse, Duration collapseWait) {
  /** Statuses cacheable by default (RFC 9110 15.1, less 206 and 308). */
  public static final Set<Integer> DEFAULT_STATUSES = Set.of(200, 203, 204, 300, 301, 404, 405, 410, 414, 501);
  /** Five seconds, like nginx's {@code proxy_cache_lock_timeout}. */
  public static final Duration DEFAULT_COLLAPSE_WAIT = Duration.ofSeconds(5);

  /** Which query parameters are part of the cache key. */
  public enum Query {
    /** The whole query string as sent. */
    ALL,
    /** None: every query string shares the path's entry. */
    NONE,
    /** Only the listed parameters, in the listed order. */
    LIST
  }

  /** What a client's own {@code Cache-Control} request header does. */
  public enum ClientCacheControl {
    /** Nothing (what CDNs do by default): a client reload does not reach the upstream. */
    IGNORE,
    /** {@code no-store} bypasses the cache, {@code no-cache} / {@code max-age=0} revalidate, {@code max-age=N} bounds the age. */
    HONOUR
  }

  private static final Set<String> KEYS = Set.of("enabled", "ttl", "stale-while-revalidate", "stale-if-error", "key",
      "per-user", "cacheable-statuses", "tags-header", "methods", "client-cache-control", "collapse", "collapse-wait");

  /** Reads a {@code cache} block of a route or endpoint; null when absent or {@code enabled: false}. */
  static RouteCacheConfig read(ConfigNode n) {
    if (!n.present()) {
      return null;
    }
    if (!n.isObject()) {
      n.problem(null, "must be a mapping (enabled, ttl, stale-while-revalidate, stale-if-error, key, per-user, ...); "
          + "{} for the defaults");
      return null;
    }
    n.allowOnly(KEYS);
    Duration ttl = n.duration("ttl", Duration.ZERO);
    Duration swr = n.duration("stale-while-revalidate", null);
    Duration sie = n.duration("stale-if-error", null);
    ConfigNode key = n.child("key");
    key.allowOnly(Set.of("query", "headers"));
    Query query = Query.ALL;
    List<String> names = new ArrayList<>();
    ConfigNode q = key.child("query");
    if (q.isList()) {
      query = Query.LIST;
      for (String s : key.strings("query")) {
        if (s.isBlank() || s.contains("&") || s.contains("=")) {
          q.problem(null, "must list query parameter names, was '" + s + "'");
        } else {
          names.add(s);
        }
      }
    } else if (q.present()) {
      String v = q.text();
      if ("all".equalsIgnoreCase(v)) {
        query = Query.ALL;
      } else if ("none".equalsIgnoreCase(v)) {
        query = Query.NONE;
      } else if (v != null) {
        q.problem(null, "must be all, none or a list of parameter names, was '" + v + "'");
      }
    }
    List<String> headers = new ArrayList<>();
    for (ConfigNode h : key.list("headers")) {
      String v = h.text();
      if (v != null && !HeaderNames.isToken(v)) {
        h.problem(null, "is not a valid header name");
      } else if (v != null) {
        headers.add(v.toLowerCase(Locale.ROOT));
      }
    }
    Set<Integer> statuses = new LinkedHashSet<>();
    List<ConfigNode> listed = n.list("cacheable-statuses");
    for (ConfigNode s : listed) {
      String v = s.text();
      try {
        int code = Integer.parseInt(v == null ? "" : v.trim());
        if (code < 200 || code > 599 || code == 206 || code == 304) {
          s.problem(null, "must be a final status from 200 to 599 other than 206 and 304, was " + code);
        } else {
          statuses.add(code);
        }
      } catch (NumberFormatException e) {
        s.problem(null, "must be an HTTP status code, was '" + v + "'");
      }
    }
    if (n.child("cacheable-statuses").present() && listed.isEmpty()) {
      n.problem("cacheable-statuses", "must list at least one status");
    }
    String tags = n.string("tags-header", "Surrogate-Key");
    if (!HeaderNames.isToken(tags)) {
      n.problem("tags-header", "is not a valid header name");
    }
    Set<String> methods = new LinkedHashSet<>();
    for (ConfigNode m : n.list("methods")) {
      String v = m.text();
      String up = v == null ? null : v.trim().toUpperCase(Locale.ROOT);
      if (up != null && !up.equals("GET") && !up.equals("HEAD")) {
        m.problem(null, "only GET and HEAD are cached, was '" + v + "'");
      } else if (up != null) {
        methods.add(up);
      }
    }
    if (n.child("methods").present() && !methods.contains("GET")) {
      n.problem("methods", "must include GET (HEAD is answered from GET entries)");
    }
    ClientCacheControl client = ClientCacheControl.IGNORE;
    String cc = n.string("client-cache-control", "ignore");
    switch (cc.trim().toLowerCase(Locale.ROOT)) {
      case "ignore" -> client = ClientCacheControl.IGNORE;
      case "honour", "honor" -> client = ClientCacheControl.HONOUR;
      default -> n.problem("client-cache-control", "must be ignore or honour, was '" + cc + "'");
    }
    Duration wait = n.duration("collapse-wait", DEFAULT_COLLAPSE_WAIT);
    if (wait.isZero()) {
      n.problem("collapse-wait", "must be more than 0 (collapse: false turns collapsing off)");
    }
    boolean perUser = n.bool("per-user", false);
    boolean collapse = n.bool("collapse", true);
    if (!n.bool("enabled", true)) {
      return null;
    }
    return new RouteCacheConfig(ttl, swr, sie, query, List.copyOf(names), List.copyOf(headers), perUser,
        statuses.isEmpty() ? DEFAULT_STATUSES : Set.copyOf(statuses), tags,
        methods.isEmpty() ? Set.of("GET", "HEAD") : Set.copyOf(methods), client, collapse, wait);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("cache ttl=").append(ttl.toMillis()).append("ms");
    if (staleWhileRevalidate != null) {
      sb.append(" swr=").append(staleWhileRevalidate.toMillis()).append("ms");
    }
    if (staleIfError != null) {
      sb.append(" sie=").append(staleIfError.toMillis()).append("ms");
    }
    sb.append(" key=query:").append(query == Query.LIST ? queryNames.toString() : query.name().toLowerCase(Locale.ROOT));
    if (!keyHeaders.isEmpty()) {
      sb.append(",headers:").append(keyHeaders);
    }
    if (perUser) {
      sb.append(",per-user");
    }
    if (!statuses.equals(DEFAULT_STATUSES)) {
      sb.append(" statuses=").append(new java.util.TreeSet<>(statuses));
    }
    if (!tagsHeader.equalsIgnoreCase("Surrogate-Key")) {
      sb.append(" tags-header=").append(tagsHeader);
    }
    sb.append(" methods=").append(methods);
    if (clientCacheControl == ClientCacheControl.HONOUR) {
      sb.append(" client-cache-control=honour");
    }
    sb.append(collapse ? " collapse-wait=" + collapseWait.toMillis() + "ms" : " no-collapse");
    return sb.toString();
  }
}
