package dev.bff.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@code POST /token} asks for, as checked from its JSON body.
 *
 * @param subject    {@code sub}, a demo user id (checked by the service)
 * @param roles      {@code roles}, possibly empty
 * @param scope      {@code scope}, space separated, or {@code null} when absent or blank
 * @param alg        {@code alg}, RS256 unless asked
 * @param audience   {@code aud}, one or more; {@link #DEFAULT_AUDIENCE} unless asked
 * @param ttlSeconds {@code ttlSeconds}, 1 to {@link #MAX_TTL_SECONDS}, {@link #DEFAULT_TTL_SECONDS} unless asked
 */
public record TokenRequest(String subject, List<String> roles, String scope, SigningAlg alg, List<String> audience,
                           long ttlSeconds) {

  /** The audience of a token that asks for none. */
  public static final String DEFAULT_AUDIENCE = "bff";
  /** The lifetime of a token that asks for none. */
  public static final long DEFAULT_TTL_SECONDS = 300;
  /** The longest lifetime a token may ask for: one day. */
  public static final long MAX_TTL_SECONDS = 86_400;

  private static final Set<String> KEYS = Set.of("sub", "roles", "scope", "alg", "aud", "ttlSeconds");

  /** Copies the lists. */
  public TokenRequest {
    roles = List.copyOf(roles);
    audience = List.copyOf(audience);
  }

  /**
   * Reads and checks a request body.
   *
   * @throws IllegalArgumentException listing every problem found, unknown keys included
   */
  public static TokenRequest fromJson(JsonObject json) {
    List<String> problems = new ArrayList<>();
    List<String> unknown = json.fieldNames().stream().filter(key -> !KEYS.contains(key)).sorted().toList();
    if (!unknown.isEmpty()) {
      problems.add("unknown keys " + unknown + "; known: " + KEYS.stream().sorted().toList());
    }
    Object sub = json.getValue("sub");
    if (!(sub instanceof String s) || s.isBlank()) {
      problems.add("sub is required: a demo user id such as \"u7\"");
    }
    List<String> roles = strings(json.getValue("roles"), "roles", true, problems);
    Object scope = json.getValue("scope");
    if (scope != null && !(scope instanceof String)) {
      problems.add("scope must be a string of space-separated scopes");
    }
    SigningAlg alg = SigningAlg.RS256;
    Object algName = json.getValue("alg");
    if (algName != null) {
      try {
        alg = SigningAlg.of(String.valueOf(algName));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    Object aud = json.getValue("aud");
    List<String> audience = aud == null ? List.of(DEFAULT_AUDIENCE)
      : strings(aud instanceof String ? new JsonArray().add(aud) : aud, "aud", false, problems);
    long ttl = ttl(json.getValue("ttlSeconds"), problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    String scopes = scope == null || ((String) scope).isBlank() ? null : (String) scope;
    return new TokenRequest((String) sub, roles, scopes, alg, audience, ttl);
  }

  /** A JSON array of non-blank strings (absent means empty), or an empty list and a problem. */
  private static List<String> strings(Object value, String key, boolean mayBeEmpty, List<String> problems) {
    String expected = key + " must be " + (mayBeEmpty ? "an array of" : "a string or a non-empty array of")
      + " non-blank strings";
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || (!mayBeEmpty && array.isEmpty())) {
      problems.add(expected);
      return List.of();
    }
    List<String> list = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String s) || s.isBlank()) {
        problems.add(expected);
        return List.of();
      }
      list.add(s);
    }
    return list;
  }

  private static long ttl(Object value, List<String> problems) {
    if (value == null) {
      return DEFAULT_TTL_SECONDS;
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
      && n.doubleValue() >= 1 && n.doubleValue() <= MAX_TTL_SECONDS) {
      return n.longValue();
    }
    problems.add("ttlSeconds must be a whole number from 1 to " + MAX_TTL_SECONDS);
    return 0;
  }
}
