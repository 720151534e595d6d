package dev.bff.common.config;

import java.util.Set;

/**
 * A route that answers every request with a redirect ({@code redirect}) instead of proxying.
 *
 * @param to        where to: a path ({@code /help/{page}}) or an absolute http(s) URL
 *                  ({@code https://new.example.com/{**}}); {@code {name}} takes a parameter of the route's
 *                  path and {@code {**}} what its {@code /**} matched, percent-encoded for where they stand
 * @param status    301, 302, 303, 307 or 308
 * @param keepQuery whether the request's query string is appended to the location
 */
public record RedirectConfig(String to, int status, boolean keepQuery) {
  /**
   * 302 when none is given: a temporary redirect is what a mistake should be, since browsers keep a
   * 301 or 308 without asking again; say 301 or 308 when the move is for good.
   */
  public static final int DEFAULT_STATUS = 302;
  /** The redirect statuses a route may answer with. */
  public static final Set<Integer> STATUSES = Set.of(301, 302, 303, 307, 308);

  /** Reads a route's {@code redirect} block, checking {@code to} against the route's path; null when absent. */
  static RedirectConfig read(ConfigNode n, String routePath) {
    if (!n.present()) {
      return null;
    }
    if (!n.isObject()) {
      n.problem(null, "must be a mapping like { to: \"/help/{page}\", status: 308 }");
      return null;
    }
    n.allowOnly(Set.of("to", "status", "keep-query"));
    String to = n.requiredString("to");
    if (to != null) {
      String err = check(to, routePath);
      if (err != null) {
        n.problem("to", err);
      }
    }
    int status = n.integer("status", DEFAULT_STATUS, 100, 599);
    if (!STATUSES.contains(status)) {
      n.problem("status", "must be one of 301, 302, 303, 307, 308, was " + status);
    }
    return to == null ? null : new RedirectConfig(to, status, n.bool("keep-query", true));
  }

  /** The length of {@code to}'s scheme and authority ({@code https://host:8443}), or 0 for a path. */
  public static int originLength(String to) {
    int scheme = to.startsWith("https://") ? 8 : to.startsWith("http://") ? 7 : 0;
    if (scheme == 0) {
      return 0;
    }
    int end = scheme;
    while (end < to.length() && "/?#".indexOf(to.charAt(end)) < 0) {
      end++;
    }
    return end;
  }

  /** What is wrong with a redirect target, or null. */
  static String check(String to, String routePath) {
    for (int i = 0; i < to.length(); i++) {
      char c = to.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return "must not contain spaces, control or non-ASCII characters (percent-encode them)";
      }
    }
    int origin = originLength(to);
    if (origin > 0) {
      String authority = to.substring(to.indexOf("://") + 3, origin);
      if (authority.isEmpty()) {
        return "needs a host after '" + to.substring(0, to.indexOf("://") + 3) + "'";
      }
      if (authority.indexOf('{') >= 0 || authority.indexOf('}') >= 0) {
        return "takes placeholders in the path and query only, never in the host: '" + authority + "'";
      }
      if (authority.indexOf('@') >= 0) {
        return "must not carry user information before the host: '" + authority + "'";
      }
    } else if (to.startsWith("//") || to.startsWith("/\\")) {
      return "must be a path starting with a single '/' or an http:// or https:// URL (a '//host' location "
          + "takes the request's scheme), was '" + to + "'";
    } else if (!to.startsWith("/")) {
      return "must be a path starting with '/' or an http:// or https:// URL, was '" + to + "'";
    }
    if (to.contains("{claim.")) {
      return "takes the route's parameters and {**} only: a claim of the caller's token must not be put in a "
          + "URL the client is sent to";
    }
    String rest = to.substring(origin);
    if (rest.isEmpty()) {
      return null;
    }
    return PathSyntax.checkTemplate(rest.startsWith("/") ? rest : "/" + rest, routePath);
  }
}
