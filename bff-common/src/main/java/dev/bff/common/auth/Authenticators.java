package dev.bff.common.auth;

import dev.bff.common.config.AuthConfig;

/**
 * The credential verifiers of one BFF, shared by its event loops; each is null when the
 * configuration accepts no such credential.
 *
 * @param jwt     JWT verification
 * @param apiKeys API key lookup
 * @param certs   client-certificate identities
 */
public record Authenticators(JwtAuthenticator jwt, ApiKeys apiKeys, ClientCerts certs) {
  /**
   * The verifiers {@code auth} configures; JWT key fetching is set up on {@code vertx}, and API keys
   * are also looked up in {@code redis} when configured so (it may be null otherwise).
   */
  public static Authenticators of(io.vertx.core.Vertx vertx, AuthConfig auth, dev.bff.common.store.SharedRedis redis) {
    return new Authenticators(auth.jwt() == null ? null : new JwtAuthenticator(vertx, auth.jwt()),
        auth.apiKeys() == null ? null : new ApiKeys(auth.apiKeys(), redis),
        auth.clientCert() == null ? null : new ClientCerts(auth.clientCert()));
  }
}
