package dev.bff.common.proxy;

import dev.bff.common.auth.Principal;
import dev.bff.common.config.RouteConfig;
import dev.bff.common.routing.PathMatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the client's path into the upstream's: unchanged, with a literal prefix stripped, or from a
 * template with {@code {param}}, {@code {**}} and {@code {claim.NAME}} placeholders (a claim of the
 * caller's verified token, percent-encoded). The query string is kept as sent.
 */
public abstract class PathRewrite {
  /** The rewrite a route asks for. */
  public static PathRewrite of(RouteConfig r) {
    if (r.stripPrefix() != null) {
      return new Strip(r.stripPrefix());
    }
    if (r.rewrite() != null) {
      return new Template(r.rewrite());
    }
    return new Keep();
  }

  /** The upstream request URI (path and query); {@code principal} is the caller, or null. */
  public abstract String apply(String path, PathMatch match, String query, Principal principal);

  static String withQuery(String path, String query) {
    if (query == null) {
      return path;
    }
    return path + (path.indexOf('?') >= 0 ? "&" : "?") + query; // a rewrite template may carry a query of its own
  }

  private static final class Keep extends PathRewrite {
    @Override
    public String apply(String path, PathMatch match, String query, Principal principal) {
      return withQuery(path, query);
    }

    @Override
    public String toString() {
      return "path=as-is";
    }
  }

  private static final class Strip extends PathRewrite {
    private final String prefix;

    Strip(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public String apply(String path, PathMatch match, String query, Principal principal) {
      String p = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
      return withQuery(p.isEmpty() ? "/" : p, query);
    }

    @Override
    public String toString() {
      return "strip-prefix=" + prefix;
    }
  }

  private static final class Template extends PathRewrite {
    private final String template;
    private final List<String> literals = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    Template(String template) {
      this.template = template;
      int i = 0;
      int open;
      while ((open = template.indexOf('{', i)) >= 0) {
        int close = template.indexOf('}', open);
        literals.add(template.substring(i, open));
        names.add(template.substring(open + 1, close));
        i = close + 1;
      }
      literals.add(template.substring(i));
    }

    @Override
    public String apply(String path, PathMatch match, String query, Principal principal) {
      StringBuilder sb = new StringBuilder(template.length() + 32);
      for (int k = 0; k < names.size(); k++) {
        sb.append(literals.get(k));
        String n = names.get(k);
        String v;
        if (n.startsWith("claim.")) { // the guard verified a token; a claim it lacks leaves the segment empty
          Object c = principal == null ? null : principal.claims().getValue(n.substring(6));
          v = c == null || c instanceof io.vertx.core.json.JsonObject || c instanceof io.vertx.core.json.JsonArray
              ? "" : dev.bff.common.shape.Paths.segment(String.valueOf(c));
        } else {
          v = "**".equals(n) ? match.rest() : match.param(n);
        }
        if (v != null) {
          if ("**".equals(n) && v.startsWith("/") && sb.length() > 0 && sb.charAt(sb.length() - 1) == '/') {
            v = v.substring(1);
          }
          sb.append(v);
        }
      }
      sb.append(literals.get(literals.size() - 1));
      if (sb.length() > 1 && sb.charAt(sb.length() - 1) == '/' && !template.endsWith("/")) {
        sb.setLength(sb.length() - 1);
      }
      return withQuery(sb.toString(), query);
    }

    @Override
    public String toString() {
      return "rewrite=" + template;
    }
  }
}
