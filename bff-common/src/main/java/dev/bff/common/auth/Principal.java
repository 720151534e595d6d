package dev.bff.common.auth;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Who made a request, from a verified token: its subject, issuer, claims, roles and scopes.
 *
 * @param subject      the {@code sub} claim (may be null)
 * @param issuer       the {@code iss} claim
 * @param claims       all claims of the token
 * @param roles        the roles (from the configured roles claim)
 * @param scopes       the scopes (from the configured scope claim)
 * @param expiresAt    {@code exp} in epoch seconds, or {@link Long#MAX_VALUE} when the token has none
 * @param keysVersion  the version of the issuer's key set the token was verified with
 */
public record Principal(String subject, String issuer, JsonObject claims, Set<String> roles, Set<String> scopes,
    long expiresAt, long keysVersion) {}
