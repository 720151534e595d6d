package dev.bff.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A composed endpoint declared in YAML: its path and method, its parts and how their values are
 * shaped into the response. The same model as {@code Composition} in Java.
 *
 * @param path   the endpoint's path pattern
 * @param method the HTTP method (GET by default)
 * @param parts  the parts, in file order
 * @param shape  the shaping rules, in order (empty: each part's value under its name)
 */
public record ComposedConfig(String path, String method, List<PartConfig> parts, List<ShapeStep> shape) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  /**
   * One part.
   *
   * @param name     its name
   * @param upstream the upstream it calls
   * @param uri      the upstream URI (a GET)
   * @param required whether its failure fails the endpoint
   * @param timeout  its own timeout, or null (the endpoint's deadline bounds it)
   * @param fallback what replaces it when it fails (optional parts)
   * @param needs    parts whose values it needs first
   * @param forEach  one call per element of a needed part's array, or null
   * @param headers  client request headers sent along with its call
   * @param cacheTtl how long its value is served again without a call, or null (not cached)
   * @param grpc     a unary gRPC call instead of a GET of {@code uri} (then null), or null
   */
  public record PartConfig(String name, String upstream, UriTemplate uri, boolean required, Duration timeout,
      Fallback fallback, List<String> needs, ForEach forEach, List<String> headers, Duration cacheTtl,
      GrpcPart grpc) {}

  /**
   * A part's gRPC call: the method, and its request message's fields from templates like a path's
   * ({@code "{id}"}, {@code "{query.q}"}, {@code "{product.category.id}"}), filled in unencoded.
   *
   * @param method  {@code package.Service/Method}
   * @param request request fields by name
   */
  public record GrpcPart(String method, Map<String, UriTemplate> request) {}

  /**
   * What an optional part serves when it fails: its last good value for the same request, else
   * {@code value}, else nothing (omitted).
   *
   * @param lastGood whether the last good value is served first
   * @param value    a static JSON value, or null
   */
  public record Fallback(boolean lastGood, Object value) {
    /** Nothing: the part is left out. */
    public static final Fallback OMIT = new Fallback(false, null);
  }

  /**
   * One upstream call per element of an array in a needed part, e.g. recommended product ids;
   * elements the upstream does not know (404) are left out, any other failure fails the part.
   *
   * @param part   the needed part
   * @param fields the path to the array in its value (empty: the value is the array)
   * @param limit  at most this many elements are fetched
   */
  public record ForEach(String part, List<String> fields, int limit) {}

  /**
   * One shaping rule: {@code put} a value under a key, or {@code merge} a part's fields into the
   * body; the value comes {@code from} a part (or {@code compute}s from a named Java function) and
   * is reshaped by pick, limit, each, object, select, drop and rename, in that order.
   */
  public record ShapeStep(String put, String merge, String from, String compute, String pick, Integer limit,
      ShapeStep each, Map<String, String> object, List<String> select, List<String> drop,
      Map<String, String> rename) {}

  private static final Set<String> STEP_KEYS = Set.of("pick", "limit", "each", "object", "select", "drop", "rename");

  /** Reads the composed part of an endpoint block ({@code path}, {@code method}, {@code parts}, {@code shape}). */
  static ComposedConfig read(ConfigNode n, Set<String> upstreams) {
    String path = n.requiredString("path");
    Set<String> params = new HashSet<>();
    if (path != null) {
      String err = PathSyntax.check(path);
      if (err != null) {
        n.problem("path", err);
      }
      for (String s : path.substring(Math.min(1, path.length())).split("/")) {
        if (s.startsWith(":")) {
          params.add(s.substring(1));
        }
      }
    }
    String method = n.string("method", "GET").toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      n.problem("method", "must be one of " + new java.util.TreeSet<>(METHODS) + ", was '" + method + "'");
    }
    Map<String, ConfigNode> partNodes = n.entries("parts");
    if (partNodes.isEmpty()) {
      n.problem("parts", "is required: a mapping of part names to their calls");
    }
    List<PartConfig> parts = new ArrayList<>();
    for (Map.Entry<String, ConfigNode> e : partNodes.entrySet()) {
      PartConfig p = readPart(e.getKey(), e.getValue(), params, partNodes.keySet(), upstreams);
      if (p != null) {
        parts.add(p);
      }
    }
    checkCycles(parts, n);
    List<ShapeStep> shape = new ArrayList<>();
    for (ConfigNode s : n.list("shape")) {
      ShapeStep step = readStep(s, partNodes.keySet(), true);
      if (step != null) {
        shape.add(step);
      }
    }
    return new ComposedConfig(path, method, List.copyOf(parts), List.copyOf(shape));
  }

  private static PartConfig readPart(String name, ConfigNode p, Set<String> params, Set<String> partNames,
      Set<String> upstreams) {
    if (!NAME.matcher(name).matches()) {
      p.problem(null, "a part name must be a letter then letters, digits, '-' or '_'");
    }
    if (!p.isObject()) {
      p.problem(null, "must be a mapping with at least upstream and path");
      return null;
    }
    p.allowOnly(Set.of("upstream", "path", "required", "timeout", "fallback", "needs", "for-each", "headers",
        "cache-ttl", "grpc"));
    String upstream = p.requiredString("upstream");
    if (upstream != null && !upstreams.contains(upstream)) {
      p.problem("upstream", "unknown upstream '" + upstream + "' (known: " + upstreams + ")");
    }
    List<String> needs = p.strings("needs");
    for (String need : needs) {
      if (!partNames.contains(need)) {
        p.problem("needs", "unknown part '" + need + "' (parts: " + partNames + ")");
      } else if (need.equals(name)) {
        p.problem("needs", "a part cannot need itself");
      }
    }
    ForEach forEach = null;
    ConfigNode fe = p.child("for-each");
    if (fe.present()) {
      String expr = fe.isObject() ? fe.requiredString("from") : fe.text();
      int limit = fe.isObject() ? fe.integer("limit", 100, 1, 1000) : 100;
      if (fe.isObject()) {
        fe.allowOnly(Set.of("from", "limit"));
      }
      if (expr != null) {
        String[] path = expr.split("\\.", -1);
        if (!needs.contains(path[0])) {
          p.problem("for-each", "'" + expr + "' must start with a part listed in needs " + needs);
        } else {
          forEach = new ForEach(path[0], List.of(path).subList(1, path.length), limit);
        }
      }
    }
    GrpcPart grpc = readGrpc(p.child("grpc"), params, needs);
    if (grpc != null && p.child("path").present()) {
      p.problem("path", "cannot be combined with grpc: the part either GETs a path or calls a gRPC method");
    }
    if (grpc != null && fe.present()) {
      p.problem("for-each", "applies to path parts only (a gRPC part makes one call)");
    }
    String uriText = grpc != null ? null : p.requiredString("path");
    UriTemplate uri = uriText == null ? null
        : UriTemplate.parse(uriText, p, "path", params, needs, fe.present());
    boolean required = p.bool("required", false);
    Fallback fallback = readFallback(p.child("fallback"));
    Duration cacheTtl = p.child("cache-ttl").present() ? p.duration("cache-ttl", null) : null;
    if (cacheTtl != null && cacheTtl.isZero()) {
      p.problem("cache-ttl", "must be more than 0 (leave it out for no cache)");
      cacheTtl = null;
    }
    if (required && p.child("fallback").present()) {
      p.problem("fallback", "a required part has no fallback: its failure fails the endpoint");
    }
    List<String> headers = p.strings("headers");
    return new PartConfig(name, upstream, uri, required, p.child("timeout").present()
        ? p.duration("timeout", null) : null, fallback, List.copyOf(needs), forEach, List.copyOf(headers), cacheTtl,
        grpc);
  }

  private static GrpcPart readGrpc(ConfigNode g, Set<String> params, List<String> needs) {
    if (!g.present()) {
      return null;
    }
    g.allowOnly(Set.of("method", "request"));
    String method = g.requiredString("method");
    if (method != null && !method.matches("[A-Za-z_][\\w.]*[./][A-Za-z_]\\w*")) {
      g.problem("method", "must be package.Service/Method, was '" + method + "'");
    }
    Map<String, UriTemplate> request = new LinkedHashMap<>();
    ConfigNode r = g.child("request");
    r.entries(null).forEach((field, v) -> {
      String t = v.text();
      if (t != null) {
        UriTemplate template = UriTemplate.parseValue(t, r, field, params, needs);
        if (template != null) {
          request.put(field, template);
        }
      }
    });
    return new GrpcPart(method, java.util.Collections.unmodifiableMap(request));
  }

  private static Fallback readFallback(ConfigNode f) {
    if (!f.present()) {
      return Fallback.OMIT;
    }
    if (!f.isObject()) {
      String t = f.text();
      if ("omit".equals(t)) {
        return Fallback.OMIT;
      }
      if ("last-good".equals(t)) {
        return new Fallback(true, null);
      }
      f.problem(null, "must be omit, last-good, or a mapping { value: ..., last-good: true }");
      return Fallback.OMIT;
    }
    f.allowOnly(Set.of("value", "last-good"));
    return new Fallback(f.bool("last-good", false), f.child("value").jsonValue());
  }

  private static void checkCycles(List<PartConfig> parts, ConfigNode n) {
    Map<String, PartConfig> byName = new LinkedHashMap<>();
    parts.forEach(p -> byName.put(p.name(), p));
    Set<String> reported = new HashSet<>();
    for (PartConfig p : parts) {
      List<String> cycle = cycleFrom(p.name(), byName, new ArrayList<>());
      if (cycle != null && reported.add(String.join(",", new java.util.TreeSet<>(cycle)))) {
        n.problem("parts", "parts need each other in a cycle: " + String.join(" -> ", cycle));
      }
    }
  }

  private static List<String> cycleFrom(String name, Map<String, PartConfig> byName, List<String> path) {
    int at = path.indexOf(name);
    if (at >= 0) {
      List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
      cycle.add(name);
      return cycle;
    }
    PartConfig p = byName.get(name);
    if (p == null) {
      return null;
    }
    path.add(name);
    for (String need : p.needs()) {
      List<String> c = cycleFrom(need, byName, path);
      if (c != null) {
        return c;
      }
    }
    path.remove(path.size() - 1);
    return null;
  }

  private static boolean checkPointer(ConfigNode s, String key, String pointer) {
    boolean valid = pointer.startsWith("/");
    try {
      io.vertx.core.json.pointer.JsonPointer.from(pointer);
    } catch (IllegalArgumentException e) {
      valid = false;
    }
    if (!valid) {
      s.problem(key, "must be a JSON pointer like /images/thumbnail/url, was '" + pointer + "'");
    }
    return valid;
  }

  private static ShapeStep readStep(ConfigNode s, Set<String> partNames, boolean top) {
    if (!s.isObject()) {
      s.problem(null, "must be a mapping, e.g. { put: rating, from: reviews, select: [average, count] }");
      return null;
    }
    Set<String> allowed = new HashSet<>(STEP_KEYS);
    if (top) {
      allowed.addAll(Set.of("put", "merge", "from", "compute"));
    }
    s.allowOnly(allowed);
    String put = top ? s.string("put", null) : null;
    String merge = top ? s.string("merge", null) : null;
    String from = top ? s.string("from", null) : null;
    String compute = top ? s.string("compute", null) : null;
    if (top) {
      if ((put == null) == (merge == null)) {
        s.problem(null, "needs exactly one of put (a key) or merge (a part)");
      } else if (put != null && (from == null) == (compute == null)) {
        s.problem(null, "put needs exactly one of from (a part) or compute (a function)");
      } else if (merge != null && (from != null || compute != null)) {
        s.problem(null, "merge names its part itself; from and compute do not apply");
      }
      for (String k : new String[] {"merge", "from"}) {
        String part = k.equals("merge") ? merge : from;
        if (part != null && !partNames.contains(part)) {
          s.problem(k, "unknown part '" + part + "' (parts: " + partNames + ")");
        }
      }
      if (compute != null && STEP_KEYS.stream().anyMatch(k -> s.child(k).present())) {
        s.problem("compute", "a computed value is not reshaped; compute it the way it should be");
      }
    }
    String pick = s.string("pick", null);
    if (pick != null && !pick.isEmpty()) {
      checkPointer(s, "pick", pick);
    }
    Map<String, String> object = new LinkedHashMap<>();
    s.entries("object").forEach((k, v) -> {
      String ptr = v.text();
      if (ptr != null && checkPointer(s, "object." + k, ptr)) {
        object.put(k, ptr);
      }
    });
    Integer limit = s.child("limit").present() ? s.integer("limit", 0, 0, 100_000) : null;
    ShapeStep each = s.child("each").present() ? readStep(s.child("each"), partNames, false) : null;
    Map<String, String> rename = new LinkedHashMap<>();
    s.entries("rename").forEach((k, v) -> {
      String to = v.text();
      if (to != null) {
        rename.put(k, to);
      }
    });
    return new ShapeStep(put, merge, from, compute, pick, limit, each, java.util.Collections.unmodifiableMap(object),
        List.copyOf(s.strings("select")),
        List.copyOf(s.strings("drop")), Map.copyOf(rename));
  }
}
