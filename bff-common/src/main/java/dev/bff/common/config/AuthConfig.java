package dev.bff.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a BFF authenticates clients (the top-level {@code auth} block): JWT issuers and their keys,
 * which claims go upstream as headers, and the policy of routes and endpoints that name none.
 *
 * @param jwt           JWT validation, or null when the BFF accepts no JWTs
 * @param defaultPolicy the policy of routes and endpoints without an {@code auth} key: public, unless
 *                      JWTs are configured (then a valid token is required: public ones are marked)
 */
public record AuthConfig(JwtConfig jwt, AuthRule defaultPolicy) {
  /** No authentication: every route is public. */
  public static final AuthConfig NONE = new AuthConfig(null, AuthRule.PUBLIC);

  /** Algorithms accepted by default: asymmetric only (HS* only when an issuer lists them and has a secret). */
  public static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
      "ES256", "ES384", "ES512", "EdDSA");
  private static final Set<String> SYMMETRIC = Set.of("HS256", "HS384", "HS512");
  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]+");

  /**
   * JWT validation.
   *
   * @param issuers         accepted issuers, each with its keys
   * @param clockSkew       leeway for exp, nbf and iat
   * @param cookie          a cookie that may carry the token besides {@code Authorization: Bearer}, or null
   * @param claimsToHeaders claim name to upstream header (e.g. sub -> X-User-Id); client copies of these
   *                        headers are always removed
   * @param rolesClaim      the claim with the roles (a dotted path, e.g. {@code realm_access.roles})
   * @param scopeClaim      the claim with the scopes (a space-separated string or an array)
   * @param cacheSize       verified tokens remembered (their signature is not checked again until they expire)
   */
  public record JwtConfig(List<IssuerConfig> issuers, Duration clockSkew, String cookie,
      Map<String, String> claimsToHeaders, String rolesClaim, String scopeClaim, int cacheSize) {}

  /**
   * One accepted issuer.
   *
   * @param issuer          the exact {@code iss} value
   * @param audiences       accepted {@code aud} values (one must match; empty: not checked)
   * @param jwksUrl         where its public keys are published, or null
   * @param jwksRefresh     how often the JWKS is fetched again
   * @param jwksMinRefetch  a token with an unknown {@code kid} fetches the JWKS at most this often
   * @param keys            static keys: {@code {alg, pem}} public keys or {@code {alg: HS256, secret}}
   * @param algorithms      accepted {@code alg} values (default: those of the static keys, plus every
   *                        asymmetric one when there is a JWKS; HS* only ever with a configured secret)
   */
  public record IssuerConfig(String issuer, List<String> audiences, URI jwksUrl, Duration jwksRefresh,
      Duration jwksMinRefetch, List<StaticKey> keys, Set<String> algorithms) {}

  /** A configured key: a PEM public key, or a shared secret for HS256/384/512. */
  public record StaticKey(String alg, String pem, String secret) {}

  /**
   * Who may call a route or endpoint.
   *
   * @param isPublic  no token needed
   * @param anyRole   at least one of these roles (empty: no check)
   * @param allRoles  every one of these roles
   * @param anyScope  at least one of these scopes
   * @param allScopes every one of these scopes
   */
  public record AuthRule(boolean isPublic, List<String> anyRole, List<String> allRoles, List<String> anyScope,
      List<String> allScopes) {
    /** No token needed. */
    public static final AuthRule PUBLIC = new AuthRule(true, List.of(), List.of(), List.of(), List.of());
    /** Any valid token. */
    public static final AuthRule JWT = new AuthRule(false, List.of(), List.of(), List.of(), List.of());

    @Override
    public String toString() {
      if (isPublic) {
        return "public";
      }
      StringBuilder sb = new StringBuilder("jwt");
      if (!anyRole.isEmpty()) {
        sb.append(" any-role=").append(anyRole);
      }
      if (!allRoles.isEmpty()) {
        sb.append(" all-roles=").append(allRoles);
      }
      if (!anyScope.isEmpty()) {
        sb.append(" any-scope=").append(anyScope);
      }
      if (!allScopes.isEmpty()) {
        sb.append(" all-scopes=").append(allScopes);
      }
      return sb.toString();
    }
  }

  static AuthConfig read(ConfigNode n) {
    if (!n.present()) {
      return NONE;
    }
    n.allowOnly(Set.of("default", "jwt"));
    JwtConfig jwt = n.child("jwt").present() ? readJwt(n.child("jwt")) : null;
    String def = n.string("default", jwt != null ? "jwt" : "public");
    AuthRule policy = switch (def) {
      case "public" -> AuthRule.PUBLIC;
      case "jwt" -> AuthRule.JWT;
      default -> {
        n.problem("default", "must be public or jwt, was '" + def + "'");
        yield AuthRule.PUBLIC;
      }
    };
    if (policy == AuthRule.JWT && jwt == null) {
      n.problem("default", "is jwt but no auth.jwt issuers are configured");
    }
    return new AuthConfig(jwt, policy);
  }

  private static JwtConfig readJwt(ConfigNode j) {
    j.allowOnly(Set.of("issuers", "clock-skew", "cookie", "claims-to-headers", "roles-claim", "scope-claim",
        "cache-size"));
    List<IssuerConfig> issuers = new ArrayList<>();
    List<ConfigNode> nodes = j.list("issuers");
    if (nodes.isEmpty()) {
      j.problem("issuers", "is required: at least one issuer with jwks-url or keys");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (ConfigNode i : nodes) {
      IssuerConfig c = readIssuer(i);
      if (c != null && !seen.add(c.issuer())) {
        i.problem("issuer", "issuer '" + c.issuer() + "' is listed twice");
      }
      if (c != null) {
        issuers.add(c);
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    j.entries("claims-to-headers").forEach((claim, h) -> {
      String name = h.text();
      if (name != null && !HEADER.matcher(name).matches()) {
        h.problem(null, "must be a header name, was '" + name + "'");
      } else if (name != null) {
        headers.put(claim, name);
      }
    });
    return new JwtConfig(List.copyOf(issuers), j.duration("clock-skew", Duration.ofSeconds(30)),
        j.string("cookie", null), java.util.Collections.unmodifiableMap(headers), j.string("roles-claim", "roles"),
        j.string("scope-claim", "scope"), j.integer("cache-size", 10_000, 0, 10_000_000));
  }

  private static IssuerConfig readIssuer(ConfigNode i) {
    if (!i.isObject()) {
      i.problem(null, "must be a mapping with issuer and jwks-url or keys");
      return null;
    }
    i.allowOnly(Set.of("issuer", "audiences", "jwks-url", "jwks-refresh", "jwks-min-refetch", "keys", "algorithms"));
    String issuer = i.requiredString("issuer");
    URI jwks = null;
    String url = i.string("jwks-url", null);
    if (url != null) {
      try {
        jwks = new URI(url);
        if (!"http".equals(jwks.getScheme()) && !"https".equals(jwks.getScheme()) || jwks.getHost() == null) {
          i.problem("jwks-url", "must be an http:// or https:// URL, was '" + url + "'");
        }
      } catch (java.net.URISyntaxException e) {
        i.problem("jwks-url", "is not a valid URL: '" + url + "'");
      }
    }
    List<StaticKey> keys = new ArrayList<>();
    for (ConfigNode k : i.list("keys")) {
      k.allowOnly(Set.of("alg", "pem", "secret"));
      String alg = k.requiredString("alg");
      String pem = k.string("pem", null);
      String secret = k.string("secret", null);
      if (alg != null && SYMMETRIC.contains(alg)) {
        if (secret == null || secret.length() < 32) {
          k.problem("secret", alg + " needs a secret of at least 32 characters");
        }
      } else if (alg != null && ASYMMETRIC.contains(alg)) {
        if (pem == null || !pem.contains("-----BEGIN PUBLIC KEY-----")) {
          k.problem("pem", alg + " needs a PEM public key (-----BEGIN PUBLIC KEY-----)");
        }
        if (secret != null) {
          k.problem("secret", "an asymmetric key has no secret");
        }
      } else if (alg != null) {
        k.problem("alg", "unsupported algorithm '" + alg + "' (supported: " + new java.util.TreeSet<>(ASYMMETRIC)
            + " and, with a secret, " + new java.util.TreeSet<>(SYMMETRIC) + ")");
      }
      keys.add(new StaticKey(alg, pem, secret));
    }
    if (jwks == null && keys.isEmpty()) {
      i.problem(null, "needs jwks-url or keys");
    }
    Set<String> algs = new LinkedHashSet<>();
    List<String> listed = i.strings("algorithms");
    for (String a : listed) {
      if (a.equals("none")) {
        i.problem("algorithms", "'none' is never accepted");
      } else if (!ASYMMETRIC.contains(a) && !SYMMETRIC.contains(a)) {
        i.problem("algorithms", "unsupported algorithm '" + a + "'");
      } else if (SYMMETRIC.contains(a) && keys.stream().noneMatch(k -> a.equals(k.alg()))) {
        i.problem("algorithms", a + " is accepted only with a configured secret key for it");
      }
      algs.add(a);
    }
    if (listed.isEmpty()) { // those of its static keys, and every asymmetric one when it has a JWKS
      keys.stream().filter(k -> k.alg() != null).forEach(k -> algs.add(k.alg()));
      if (jwks != null) {
        algs.addAll(ASYMMETRIC);
      }
    }
    return new IssuerConfig(issuer, List.copyOf(i.strings("audiences")), jwks,
        i.duration("jwks-refresh", Duration.ofMinutes(5)), i.duration("jwks-min-refetch", Duration.ofSeconds(30)),
        List.copyOf(keys), Set.copyOf(algs));
  }

  /**
   * Reads a route's or endpoint's {@code auth}: {@code public}, {@code jwt}, or a mapping of role
   * and scope requirements (which needs a token); absent: {@code def}.
   */
  static AuthRule readRule(ConfigNode n, AuthRule def) {
    if (!n.present()) {
      return def;
    }
    if (!n.isObject()) {
      String t = n.text();
      if ("public".equals(t)) {
        return AuthRule.PUBLIC;
      }
      if ("jwt".equals(t)) {
        return AuthRule.JWT;
      }
      n.problem(null, "must be public, jwt, or a mapping { any-role, all-roles, any-scope, all-scopes }");
      return def;
    }
    n.allowOnly(Set.of("any-role", "all-roles", "any-scope", "all-scopes"));
    return new AuthRule(false, List.copyOf(n.strings("any-role")), List.copyOf(n.strings("all-roles")),
        List.copyOf(n.strings("any-scope")), List.copyOf(n.strings("all-scopes")));
  }
}
