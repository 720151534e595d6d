package dev.bff.common.config;

import java.util.HashSet;
import java.util.Set;

/** Validation of route path patterns and rewrite templates, shared by the loader and the router. */
public final class PathSyntax {
  private PathSyntax() {}

  /**
   * Returns what is wrong with a route path pattern, or null when it is valid. Valid: starts with
   * {@code /}; segments are literals or {@code :name}; an optional final {@code /**}.
   */
  public static String check(String path) {
    if (!path.startsWith("/")) {
      return "must start with '/', was '" + path + "'";
    }
    Set<String> names = new HashSet<>();
    String[] segs = path.substring(1).split("/", -1);
    for (int i = 0; i < segs.length; i++) {
      String s = segs[i];
      if (s.equals("**")) {
        if (i != segs.length - 1) {
          return "'**' is only allowed as the last segment";
        }
      } else if (s.startsWith(":")) {
        String name = s.substring(1);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          return "parameter '" + s + "' must be ':' followed by a name";
        }
        if (!names.add(name)) {
          return "parameter ':" + name + "' appears twice";
        }
      } else if (s.contains("*") || s.contains(":")) {
        return "segment '" + s + "' mixes literal text with '*' or ':'";
      } else if (s.isEmpty() && i != segs.length - 1) {
        return "has an empty segment ('//')";
      }
    }
    return null;
  }

  /**
   * Returns what is wrong with a rewrite template, or null. Templates refer to the route's
   * parameters as {@code {name}}, to the rest matched by {@code /**} as {@code {**}}, and to a claim
   * of the caller's verified token as {@code {claim.sub}}.
   */
  public static String checkTemplate(String template, String routePath) {
    if (!template.startsWith("/")) {
      return "must start with '/'";
    }
    Set<String> params = new HashSet<>();
    boolean rest = false;
    if (routePath != null) {
      for (String s : routePath.substring(1).split("/")) {
        if (s.startsWith(":")) {
          params.add(s.substring(1));
        } else if (s.equals("**")) {
          rest = true;
        }
      }
    }
    int i = 0;
    while ((i = template.indexOf('{', i)) >= 0) {
      int end = template.indexOf('}', i);
      if (end < 0) {
        return "unclosed '{'";
      }
      String name = template.substring(i + 1, end);
      if (name.startsWith("claim.") && name.length() > 6) {
        i = end + 1; // a claim of the caller's token (the route must need one: checked with its auth)
        continue;
      }
      if (name.equals("**")) {
        if (!rest) {
          return "uses {**} but the route path does not end with /**";
        }
      } else if (!params.contains(name)) {
        return "uses {" + name + "} but the route path has no parameter :" + name;
      }
      i = end + 1;
    }
    return null;
  }
}
