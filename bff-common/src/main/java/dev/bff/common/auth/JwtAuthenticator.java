package dev.bff.common.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bff.common.config.AuthConfig.IssuerConfig;
import dev.bff.common.config.AuthConfig.JwtConfig;
import dev.bff.common.routing.Category;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Verifies bearer tokens (JWS compact serialisation) with vertx-auth-jwt against the configured
 * issuers: the issuer's accepted algorithms ({@code none} never; HS* only with a configured secret,
 * so an HS256 token "signed" with an RSA public key finds no key), its keys, {@code exp}, {@code nbf}
 * and {@code iat} within the clock skew, {@code iss} and {@code aud}. A verified token is remembered
 * (bounded, Caffeine) until it expires or its issuer's keys change, so its signature is checked once,
 * not on every request. Shared by all event loops.
 */
public final class JwtAuthenticator {
  private static final Base64.Decoder B64 = Base64.getUrlDecoder();
  private static final int MAX_TOKEN = 16 * 1024;

  private final JwtConfig config;
  private final Map<String, IssuerKeys> issuers = new HashMap<>();
  private final Cache<String, Principal> verified;
  private final LongSupplier epochSeconds;

  /** Sets up the issuers' keys (fetched by {@link #start()}). */
  public JwtAuthenticator(Vertx vertx, JwtConfig config) {
    this.config = config;
    this.epochSeconds = () -> System.currentTimeMillis() / 1000;
    for (IssuerConfig i : config.issuers()) {
      issuers.put(i.issuer(), new IssuerKeys(vertx, i, config.clockSkew(), System::nanoTime));
    }
    this.verified = Caffeine.newBuilder().maximumSize(config.cacheSize()).build();
  }

  /** Fetches every issuer's JWKS; completes when each fetch has succeeded or failed. */
  public Future<Void> start() {
    List<Future<Void>> all = new ArrayList<>();
    issuers.values().forEach(k -> all.add(k.start()));
    return Future.join(all).mapEmpty();
  }

  /** Stops the periodic JWKS refreshes. */
  public void stop() {
    issuers.values().forEach(IssuerKeys::stop);
  }

  /** The configuration. */
  public JwtConfig config() {
    return config;
  }

  /**
   * Verifies a token; fails with an {@link AuthException} (401, or 503 when the issuer has no keys at
   * all). Completes at once unless the issuer's JWKS must be fetched first.
   */
  public Future<Principal> authenticate(String token) {
    Principal known = verified.getIfPresent(token);
    if (known != null) {
      IssuerKeys keys = issuers.get(known.issuer());
      if (keys.current().version() == known.keysVersion()) {
        if (known.expiresAt() == Long.MAX_VALUE
            || epochSeconds.getAsLong() - config.clockSkew().toSeconds() < known.expiresAt()) {
          return Future.succeededFuture(known);
        }
        verified.invalidate(token);
        return Future.failedFuture(AuthException.invalid("the token has expired"));
      }
      verified.invalidate(token); // the keys changed since: verify again
    }
    JsonObject header;
    JsonObject payload;
    try {
      if (token.length() > MAX_TOKEN) {
        throw AuthException.invalid("the token is too long");
      }
      String[] parts = token.split("\\.", -1);
      if (parts.length != 3 || parts[2].isEmpty()) {
        throw AuthException.invalid("the token is not a signed JWT (header.payload.signature)");
      }
      header = json(parts[0]);
      payload = json(parts[1]);
    } catch (AuthException e) {
      return Future.failedFuture(e);
    }
    Object alg = header.getValue("alg");
    Object iss = payload.getValue("iss");
    IssuerKeys keys = iss instanceof String s ? issuers.get(s) : null;
    if (keys == null) {
      return Future.failedFuture(AuthException.invalid("the token's issuer is not accepted"));
    }
    if (!(alg instanceof String a) || !keys.config().algorithms().contains(a)) {
      return Future.failedFuture(AuthException.invalid("the token's algorithm is not accepted"));
    }
    Object kid = header.getValue("kid");
    IssuerKeys.KeySet ks = keys.current();
    if (ks.auth() == null || kid instanceof String k && !ks.kids().contains(k) && keys.config().jwksUrl() != null) {
      return keys.refetchIfAllowed().compose(fresh -> verify(token, keys, fresh, payload));
    }
    return verify(token, keys, ks, payload);
  }

  private Future<Principal> verify(String token, IssuerKeys keys, IssuerKeys.KeySet ks, JsonObject payload) {
    if (ks.auth() == null) {
      return Future.failedFuture(new AuthException(Category.AUTH_UNAVAILABLE,
          "the keys of the token's issuer are not available yet"));
    }
    return ks.auth().authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(AuthException.invalid(reason(e))))
        .map(user -> {
          Principal p = principal(user, payload, keys.config().issuer(), ks.version());
          verified.put(token, p);
          return p;
        });
  }

  private Principal principal(User user, JsonObject claims, String issuer, long version) {
    Object exp = claims.getValue("exp");
    Set<String> roles = strings(at(claims, config.rolesClaim()));
    Object scope = at(claims, config.scopeClaim());
    Set<String> scopes = scope instanceof String s ? new LinkedHashSet<>(List.of(s.trim().split("\\s+"))) : strings(scope);
    scopes.remove("");
    return new Principal(claims.getString("sub"), issuer, claims, Set.copyOf(roles), Set.copyOf(scopes),
        exp instanceof Number n ? n.longValue() : Long.MAX_VALUE, version,
        dev.bff.common.config.AuthConfig.Method.JWT);
  }

  private static Object at(JsonObject claims, String path) {
    Object v = claims;
    for (String f : path.split("\\.")) {
      v = v instanceof JsonObject o ? o.getValue(f) : null;
    }
    return v;
  }

  private static Set<String> strings(Object v) {
    Set<String> out = new LinkedHashSet<>();
    if (v instanceof JsonArray a) {
      a.forEach(x -> out.add(String.valueOf(x)));
    } else if (v instanceof String s) {
      out.add(s);
    }
    return out;
  }

  private static JsonObject json(String segment) {
    try {
      return new JsonObject(new String(B64.decode(segment), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw AuthException.invalid("the token is malformed");
    }
  }

  /** A short reason without token contents. */
  private static String reason(Throwable e) {
    if (e instanceof io.vertx.ext.auth.NoSuchKeyIdException) {
      return "no key verifies the token (unknown key id)";
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (m.contains("expired")) {
      return "the token has expired or is not valid yet";
    }
    if (m.contains("audience")) {
      return "the token is not for this audience";
    }
    if (m.contains("issuer")) {
      return "the token's issuer is not accepted";
    }
    if (e instanceof java.security.SignatureException || m.contains("signature")) {
      return "the token's signature does not verify";
    }
    if (m.contains("key")) {
      return "no key verifies the token";
    }
    return "the token is not valid";
  }
}
