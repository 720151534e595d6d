package dev.bff.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The upstream URI of a part declared in YAML, e.g. {@code /reviews?productId={id}&limit={query.size:20}}:
 * literal text and placeholders, parsed and checked once at start-up.
 *
 * <p>Placeholders: {@code {name}} a path parameter of the endpoint; {@code {query.name}} and
 * {@code {header.Name}} from the client request (empty when absent, or the default after
 * {@code :}); {@code {claim.sub}} a claim of the caller's verified token (the part fails without
 * one); {@code {part.field.sub}} a value of a part listed in {@code needs}; {@code {item}}
 * or {@code {item.field}} the element of a {@code for-each}. Values are percent-encoded for where
 * they stand: as a path segment before {@code ?}, as a query value after it.
 *
 * @param text   the template as written
 * @param tokens literal text and placeholders in order
 */
public record UriTemplate(String text, List<Token> tokens) {
  /** What a placeholder reads. */
  public enum Source {
    /** A path parameter of the endpoint. */
    PARAM,
    /** A query parameter of the client request. */
    QUERY,
    /** A header of the client request. */
    HEADER,
    /** A claim of the caller's verified token. */
    CLAIM,
    /** A value of a needed part. */
    PART,
    /** The element of a for-each. */
    ITEM
  }

  /** Literal text or a placeholder. */
  public sealed interface Token permits Literal, Placeholder {}

  /** Literal text, copied as written. */
  public record Literal(String text) implements Token {}

  /**
   * A placeholder.
   *
   * @param source  what it reads
   * @param name    the parameter, header or part name ({@code item} for ITEM)
   * @param fields  the field path inside a part's or item's value (empty: the value itself)
   * @param def     the value when absent (query and header only), or null
   * @param inQuery whether it stands in the query string (else in the path)
   */
  public record Placeholder(Source source, String name, List<String> fields, String def, boolean inQuery)
      implements Token {}

  /**
   * Parses and checks a template, recording problems at {@code key} of {@code node}.
   *
   * @param params  the endpoint's path parameters
   * @param needs   the parts this part needs
   * @param forEach whether the part has a for-each (so {@code {item}} is allowed)
   * @return the template, or null when it has problems
   */
  static UriTemplate parse(String text, ConfigNode node, String key, Set<String> params, List<String> needs,
      boolean forEach) {
    if (!text.startsWith("/")) {
      node.problem(key, "must start with '/', was '" + text + "'");
      return null;
    }
    return tokens(text, node, key, params, needs, forEach);
  }

  /** A value template (a gRPC request field): placeholders as in a path, any text around them. */
  static UriTemplate parseValue(String text, ConfigNode node, String key, Set<String> params, List<String> needs) {
    return tokens(text, node, key, params, needs, false);
  }

  private static UriTemplate tokens(String text, ConfigNode node, String key, Set<String> params, List<String> needs,
      boolean forEach) {
    List<Token> tokens = new ArrayList<>();
    boolean inQuery = false;
    int i = 0;
    boolean ok = true;
    StringBuilder literal = new StringBuilder();
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '}') {
        node.problem(key, "has a '}' without '{' at " + i + ": '" + text + "'");
        return null;
      }
      if (c != '{') {
        if (c == '?') {
          inQuery = true;
        }
        literal.append(c);
        i++;
        continue;
      }
      int close = text.indexOf('}', i);
      if (close < 0) {
        node.problem(key, "has an unclosed '{' at " + i + ": '" + text + "'");
        return null;
      }
      if (!literal.isEmpty()) {
        tokens.add(new Literal(literal.toString()));
        literal.setLength(0);
      }
      Placeholder p = placeholder(text.substring(i + 1, close), inQuery, node, key, params, needs, forEach);
      if (p == null) {
        ok = false;
      } else {
        tokens.add(p);
      }
      i = close + 1;
    }
    if (!literal.isEmpty()) {
      tokens.add(new Literal(literal.toString()));
    }
    return ok ? new UriTemplate(text, List.copyOf(tokens)) : null;
  }

  private static Placeholder placeholder(String body, boolean inQuery, ConfigNode node, String key,
      Set<String> params, List<String> needs, boolean forEach) {
    String expr = body;
    String def = null;
    int colon = body.indexOf(':');
    if (colon >= 0) {
      expr = body.substring(0, colon);
      def = body.substring(colon + 1);
    }
    String[] path = expr.split("\\.", -1);
    for (String s : path) {
      if (s.isEmpty()) {
        node.problem(key, "has an empty name in '{" + body + "}'");
        return null;
      }
    }
    String head = path[0];
    List<String> rest = List.of(path).subList(1, path.length);
    Source source;
    String name = head;
    if ((head.equals("query") || head.equals("header")) && path.length == 2) {
      source = head.equals("query") ? Source.QUERY : Source.HEADER;
      name = path[1];
      rest = List.of();
    } else if (head.equals("claim") && path.length >= 2) {
      source = Source.CLAIM;
      name = path[1];
      rest = List.of(path).subList(2, path.length);
    } else if (head.equals("item")) {
      if (!forEach) {
        node.problem(key, "uses '{" + body + "}' but the part has no for-each");
        return null;
      }
      source = Source.ITEM;
    } else if (path.length == 1 && params.contains(head)) {
      source = Source.PARAM;
    } else if (needs.contains(head)) {
      source = Source.PART;
    } else {
      node.problem(key, "'{" + body + "}' names neither a path parameter " + params + ", query.NAME, header.NAME, "
          + "claim.NAME, item, nor a part listed in needs " + needs);
      return null;
    }
    if (def != null && source != Source.QUERY && source != Source.HEADER) {
      node.problem(key, "only query and header placeholders take a default: '{" + body + "}'");
      return null;
    }
    return new Placeholder(source, name, List.copyOf(rest), def, inQuery);
  }

  @Override
  public String toString() {
    return text;
  }
}
