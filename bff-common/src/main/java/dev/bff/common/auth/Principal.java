package dev.bff.common.auth;

import dev.bff.common.config.AuthConfig.Method;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Who made a request, from a verified credential: a JWT (subject, issuer, claims, roles, scopes), an
 * API key or a client certificate (the partner as subject; {@code partner}, {@code plan} and the key id
 * or certificate identity as claims).
 *
 * @param subject      the {@code sub} claim (may be null), or the partner id of a key or certificate
 * @param issuer       the {@code iss} claim, or {@code api-key} / {@code client-cert}
 * @param claims       all claims of the token, or the attributes of the key or certificate
 * @param roles        the roles (from the configured roles claim; none for keys and certificates)
 * @param scopes       the scopes (from the configured scope claim; none for keys and certificates)
 * @param expiresAt    {@code exp} in epoch seconds, or {@link Long#MAX_VALUE} when the credential has none
 * @param keysVersion  the version of the issuer's key set the token was verified with (0 otherwise)
 * @param method       the kind of credential
 */
public record Principal(String subject, String issuer, JsonObject claims, Set<String> roles, Set<String> scopes,
    long expiresAt, long keysVersion, Method method) {

  /** A partner identified by an API key or a client certificate; {@code claims} hold partner and plan. */
  static Principal partner(Method method, String partner, JsonObject claims) {
    return new Principal(partner, method.yaml(), claims, Set.of(), Set.of(), Long.MAX_VALUE, 0, method);
  }

  /** The partner (API key or certificate), or null for a JWT. */
  public String partner() {
    return method == Method.JWT ? null : subject;
  }

  /** The partner's plan (API key or certificate), or null for a JWT. */
  public String plan() {
    return method == Method.JWT ? null : claims.getString("plan");
  }
}
