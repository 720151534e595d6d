package dev.bff.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a BFF authenticates clients (the top-level {@code auth} block): JWT issuers and their keys,
 * API keys, client certificates, what goes upstream as headers, and the policy of routes and
 * endpoints that name none.
 *
 * @param jwt           JWT validation, or null when the BFF accepts no JWTs
 * @param apiKeys       API keys, or null when the BFF accepts none
 * @param clientCert    how a verified client certificate becomes an identity, or null when none is accepted
 * @param defaultPolicy the policy of routes and endpoints without an {@code auth} key: public, unless
 *                      credentials are configured and {@code default} names them
 */
public record AuthConfig(JwtConfig jwt, ApiKeysConfig apiKeys, ClientCertConfig clientCert, AuthRule defaultPolicy) {
  /** No authentication: every route is public. */
  public static final AuthConfig NONE = new AuthConfig(null, null, null, AuthRule.PUBLIC);

  /** Algorithms accepted by default: asymmetric only (HS* only when an issuer lists them and has a secret). */
  public static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
      "ES256", "ES384", "ES512", "EdDSA");
  private static final Set<String> SYMMETRIC = Set.of("HS256", "HS384", "HS512");
  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]+");
  private static final Pattern SHA256_HEX = Pattern.compile("sha256:[0-9a-fA-F]{64}");

  /** A kind of credential a route may accept. */
  public enum Method {
    /** A JWT in {@code Authorization: Bearer} or the configured cookie. */
    JWT("jwt"),
    /** An API key in the configured header. */
    API_KEY("api-key"),
    /** A client certificate verified by the TLS handshake. */
    CLIENT_CERT("client-cert");

    private final String yaml;

    Method(String yaml) {
      this.yaml = yaml;
    }

    /** The name in YAML. */
    public String yaml() {
      return yaml;
    }

    static Method of(String s) {
      for (Method m : values()) {
        if (m.yaml.equals(s)) {
          return m;
        }
      }
      return null;
    }
  }

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
   * API keys (partners). Only SHA-256 hashes of the keys are configured, never the keys.
   *
   * @param header  the request header carrying the key
   * @param keys    the known keys
   * @param headers attribute ({@code partner}, {@code plan}, {@code key-id}) to upstream header; client
   *                copies of these headers are always removed
   * @param redis   where more keys are looked up (by digest) when the configured ones do not match, or null
   */
  public record ApiKeysConfig(String header, List<ApiKey> keys, Map<String, String> headers, RedisKeys redis) {}

  /**
   * API keys kept in Redis: a hash at {@code prefix + hex SHA-256} with fields {@code partner}, {@code plan},
   * {@code id} and {@code revoked}, so keys are added and revoked without a restart.
   *
   * @param prefix   key prefix
   * @param refresh  a looked-up key (or its absence) is trusted this long, then looked up again
   * @param maxStale while Redis is unreachable, a key looked up before keeps working this long
   */
  public record RedisKeys(String prefix, Duration refresh, Duration maxStale) {}

  /**
   * One API key.
   *
   * @param id      a name for the key that is safe to log and show (never the key)
   * @param sha256  the SHA-256 digest of the key's UTF-8 bytes
   * @param partner the partner the key belongs to
   * @param plan    the partner's plan (rate limits and quotas are per plan)
   * @param revoked a revoked key is refused with 401
   */
  public record ApiKey(String id, byte[] sha256, String partner, String plan, boolean revoked) {}

  /** Which part of a verified client certificate names the client. */
  public enum CertIdentity {
    /** The subject's common name (CN). */
    CN,
    /** The whole subject DN (RFC 2253 form, e.g. {@code CN=acme,O=Acme Corp}). */
    SUBJECT,
    /** The first DNS name among the subject alternative names. */
    SAN_DNS,
    /** The first URI among the subject alternative names (e.g. a SPIFFE id). */
    SAN_URI,
    /** The first e-mail address among the subject alternative names. */
    SAN_EMAIL
  }

  /**
   * Client certificates as credentials (the TLS listener verified them against its client CA).
   *
   * @param identity    which part of the certificate names the client
   * @param partners    identity to partner and plan; identities not listed are their own partner
   * @param defaultPlan the plan of identities without an entry in {@code partners}
   * @param onlyListed  refuse (403) certificates whose identity is not in {@code partners}
   * @param headers     attribute ({@code partner}, {@code plan}, {@code identity}, {@code subject}) to
   *                    upstream header; client copies are always removed
   */
  public record ClientCertConfig(CertIdentity identity, Map<String, Partner> partners, String defaultPlan,
      boolean onlyListed, Map<String, String> headers) {}

  /** A partner and its plan. */
  public record Partner(String partner, String plan) {}

  /**
   * Who may call a route or endpoint.
   *
   * @param isPublic  no credentials needed
   * @param methods   the credentials accepted (any one of them)
   * @param anyRole   at least one of these roles (empty: no check)
   * @param allRoles  every one of these roles
   * @param anyScope  at least one of these scopes
   * @param allScopes every one of these scopes
   * @param clients   the partners allowed (API key or certificate identities; empty: any)
   */
  public record AuthRule(boolean isPublic, Set<Method> methods, List<String> anyRole, List<String> allRoles,
      List<String> anyScope, List<String> allScopes, List<String> clients) {
    /** No token needed. */
    public static final AuthRule PUBLIC = new AuthRule(true, Set.of(), List.of(), List.of(), List.of(), List.of(),
        List.of());
    /** Any valid token. */
    public static final AuthRule JWT = only(Set.of(Method.JWT));

    /** Any valid credential of {@code methods}, with no further requirement. */
    public static AuthRule only(Set<Method> methods) {
      return new AuthRule(false, Set.copyOf(methods), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    @Override
    public String toString() {
      if (isPublic) {
        return "public";
      }
      StringBuilder sb = new StringBuilder(String.join("|", methods.stream().sorted().map(Method::yaml).toList()));
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
      if (!clients.isEmpty()) {
        sb.append(" clients=").append(clients);
      }
      return sb.toString();
    }
  }

  /** Why {@code rule} cannot work with this configuration (it names a credential not configured), or null. */
  public String unconfigured(AuthRule rule) {
    for (Method m : rule.methods()) {
      boolean configured = switch (m) {
        case JWT -> jwt != null;
        case API_KEY -> apiKeys != null;
        case CLIENT_CERT -> clientCert != null;
      };
      if (!configured) {
        return "accepts " + m.yaml() + " but " + (m == Method.JWT ? "no auth.jwt issuers are configured"
            : "auth." + m.yaml() + (m == Method.API_KEY ? "s" : "") + " is not configured");
      }
    }
    return null;
  }

  static AuthConfig read(ConfigNode n) {
    if (!n.present()) {
      return NONE;
    }
    n.allowOnly(Set.of("default", "jwt", "api-keys", "client-cert"));
    JwtConfig jwt = n.child("jwt").present() ? readJwt(n.child("jwt")) : null;
    ApiKeysConfig keys = n.child("api-keys").present() ? readApiKeys(n.child("api-keys")) : null;
    ClientCertConfig certs = n.child("client-cert").present() ? readClientCert(n.child("client-cert")) : null;
    AuthRule def = jwt != null ? AuthRule.JWT : AuthRule.PUBLIC;
    AuthRule policy = readRule(n.child("default"), def);
    AuthConfig c = new AuthConfig(jwt, keys, certs, policy);
    String missing = c.unconfigured(policy);
    if (missing != null) {
      n.problem("default", missing);
    }
    if (!policy.anyRole().isEmpty() || !policy.allRoles().isEmpty() || !policy.anyScope().isEmpty()
        || !policy.allScopes().isEmpty() || !policy.clients().isEmpty()) {
      n.problem("default", "names credentials only (e.g. jwt, [api-key, client-cert]); put roles, scopes and "
          + "clients on routes and endpoints");
    }
    return c;
  }

  private static ApiKeysConfig readApiKeys(ConfigNode n) {
    n.allowOnly(Set.of("header", "keys", "headers", "redis"));
    String header = n.string("header", "X-Api-Key");
    if (!HEADER.matcher(header).matches()) {
      n.problem("header", "must be a header name, was '" + header + "'");
    }
    List<ApiKey> keys = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    Set<String> hashes = new LinkedHashSet<>();
    for (ConfigNode k : n.list("keys")) {
      if (!k.isObject()) {
        k.problem(null, "must be a mapping { id, sha256, partner, plan, revoked }");
        continue;
      }
      k.allowOnly(Set.of("id", "sha256", "partner", "plan", "revoked"));
      String id = k.requiredString("id");
      String hash = k.requiredString("sha256");
      String partner = k.requiredString("partner");
      if (id != null && !ids.add(id)) {
        k.problem("id", "key id '" + id + "' is listed twice");
      }
      byte[] digest = null;
      if (hash != null) {
        String h = hash.startsWith("sha256:") ? hash : "sha256:" + hash;
        if (!SHA256_HEX.matcher(h).matches()) {
          k.problem("sha256", "must be the key's SHA-256 as 64 hex digits (printf %s \"$KEY\" | sha256sum), "
              + "never the key itself");
        } else {
          digest = HexFormat.of().parseHex(h.substring(7));
          if (!hashes.add(h.substring(7).toLowerCase(java.util.Locale.ROOT))) {
            k.problem("sha256", "the same key hash is listed twice");
          }
        }
      }
      keys.add(new ApiKey(id, digest, partner, k.string("plan", "default"), k.bool("revoked", false)));
    }
    Map<String, String> headers = headers(n.child("headers"), Set.of("partner", "plan", "key-id"),
        Map.of("partner", "X-Partner-Id", "plan", "X-Partner-Plan"));
    RedisKeys redis = null;
    ConfigNode r = n.child("redis");
    if (r.present()) {
      r.allowOnly(Set.of("prefix", "refresh", "max-stale"));
      redis = new RedisKeys(r.string("prefix", "bff:api-key:"), r.duration("refresh", Duration.ofSeconds(30)),
          r.duration("max-stale", Duration.ofMinutes(10)));
      if (redis.refresh().isZero()) {
        r.problem("refresh", "must be more than 0");
      }
      if (redis.maxStale().compareTo(redis.refresh()) < 0) {
        r.problem("max-stale", "must be at least refresh (" + redis.refresh() + ")");
      }
    }
    return new ApiKeysConfig(header, List.copyOf(keys), headers, redis);
  }

  private static ClientCertConfig readClientCert(ConfigNode n) {
    n.allowOnly(Set.of("identity", "partners", "default-plan", "only-listed", "headers"));
    String id = n.string("identity", "cn");
    CertIdentity identity = switch (id) {
      case "cn" -> CertIdentity.CN;
      case "subject" -> CertIdentity.SUBJECT;
      case "san-dns" -> CertIdentity.SAN_DNS;
      case "san-uri" -> CertIdentity.SAN_URI;
      case "san-email" -> CertIdentity.SAN_EMAIL;
      default -> {
        n.problem("identity", "must be cn, subject, san-dns, san-uri or san-email, was '" + id + "'");
        yield CertIdentity.CN;
      }
    };
    String defaultPlan = n.string("default-plan", "default");
    Map<String, Partner> partners = new LinkedHashMap<>();
    n.entries("partners").forEach((name, p) -> {
      if (!p.isObject()) {
        p.problem(null, "must be a mapping { partner, plan }");
        return;
      }
      p.allowOnly(Set.of("partner", "plan"));
      partners.put(name, new Partner(p.string("partner", name), p.string("plan", defaultPlan)));
    });
    boolean onlyListed = n.bool("only-listed", false);
    if (onlyListed && partners.isEmpty()) {
      n.problem("only-listed", "is true but no partners are listed");
    }
    Map<String, String> headers = headers(n.child("headers"), Set.of("partner", "plan", "identity", "subject"),
        Map.of("partner", "X-Partner-Id", "plan", "X-Partner-Plan"));
    return new ClientCertConfig(identity, java.util.Collections.unmodifiableMap(partners), defaultPlan, onlyListed,
        headers);
  }

  /** Attribute to header name; {@code def} when the block is absent. */
  private static Map<String, String> headers(ConfigNode n, Set<String> attributes, Map<String, String> def) {
    if (!n.present()) {
      return def;
    }
    n.allowOnly(attributes);
    Map<String, String> out = new LinkedHashMap<>();
    n.entries(null).forEach((attr, h) -> {
      String name = h.text();
      if (name != null && !HEADER.matcher(name).matches()) {
        h.problem(null, "must be a header name, was '" + name + "'");
      } else if (name != null) {
        out.put(attr, name);
      }
    });
    return java.util.Collections.unmodifiableMap(out);
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
   * Reads a route's or endpoint's {@code auth}: {@code public}; a credential ({@code jwt},
   * {@code api-key}, {@code client-cert}) or a list of them (any one will do); or a mapping with
   * {@code methods} (default {@code def}'s, or jwt) and role, scope and client requirements. Absent:
   * {@code def}.
   */
  static AuthRule readRule(ConfigNode n, AuthRule def) {
    if (!n.present()) {
      return def;
    }
    if (!n.isObject()) {
      if (!n.isList() && "public".equals(n.text())) {
        return AuthRule.PUBLIC;
      }
      Set<Method> methods = methods(n);
      return methods == null ? def : AuthRule.only(methods);
    }
    n.allowOnly(Set.of("methods", "any-role", "all-roles", "any-scope", "all-scopes", "clients"));
    Set<Method> methods = n.child("methods").present() ? methods(n.child("methods"))
        : def.isPublic() ? Set.of(Method.JWT) : def.methods();
    if (methods == null) {
      methods = Set.of(Method.JWT);
    }
    AuthRule r = new AuthRule(false, Set.copyOf(methods), List.copyOf(n.strings("any-role")),
        List.copyOf(n.strings("all-roles")), List.copyOf(n.strings("any-scope")), List.copyOf(n.strings("all-scopes")),
        List.copyOf(n.strings("clients")));
    boolean rolesOrScopes = !r.anyRole().isEmpty() || !r.allRoles().isEmpty() || !r.anyScope().isEmpty()
        || !r.allScopes().isEmpty();
    if (rolesOrScopes && !methods.contains(Method.JWT)) {
      n.problem(null, "roles and scopes come from JWTs, but this rule accepts no jwt");
    }
    if (!r.clients().isEmpty() && methods.equals(Set.of(Method.JWT))) {
      n.problem("clients", "clients are API-key or client-certificate partners, but this rule accepts only jwt");
    }
    return r;
  }

  /** A credential name or a list of them; null (and a problem) when one is unknown. */
  private static Set<Method> methods(ConfigNode n) {
    List<String> names = new ArrayList<>();
    if (n.isList()) {
      for (ConfigNode x : n.list(null)) {
        names.add(x.text());
      }
    } else {
      names.add(n.text());
    }
    Set<Method> out = EnumSet.noneOf(Method.class);
    for (String name : names) {
      Method m = Method.of(name);
      if (m == null) {
        n.problem(null, "must be public, jwt, api-key, client-cert, a list of those, or a mapping "
            + "{ methods, any-role, all-roles, any-scope, all-scopes, clients }; was '" + name + "'");
        return null;
      }
      out.add(m);
    }
    if (out.isEmpty()) {
      n.problem(null, "names no credential (jwt, api-key, client-cert)");
      return null;
    }
    return out;
  }
}
