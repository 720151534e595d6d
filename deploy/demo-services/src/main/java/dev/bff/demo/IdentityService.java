package dev.bff.demo;

import com.nimbusds.jwt.JWTClaimsSet;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.UUID;

/**
 * The identity service (default port 7110): issues JWTs for the demo users and publishes the keys
 * that verify them, for gateways that validate tokens against a JWKS.
 *
 * <pre>
 * POST   /token  {sub, roles?, scope?, alg?, aud?, ttlSeconds?}
 *                → 200 {access_token, token_type: "Bearer", expires_in}   (Cache-Control: no-store)
 * GET    /.well-known/jwks.json → 200 {keys: [public JWK, ...]}          (Cache-Control: max-age=60)
 * GET    /_admin/keys                        → 200 [{kid, alg, signing, graceUntil?}, ...]
 * POST   /_admin/keys/rotate?alg=RS256|ES256[&amp;retire=true]
 *                → 200 {kid, alg, signing: true, previous, retired}
 * DELETE /_admin/keys/:kid                   → 200 {removed, alg, replacement}, or 404
 * </pre>
 * A token request is a {@link TokenRequest}: {@code sub} must be a demo user ({@code u1}..{@code u50});
 * {@code alg} is RS256 (default) or ES256, {@code aud} a string or an array (default "bff"),
 * {@code ttlSeconds} 1..86400 (default 300); anything else, unknown keys included, is a 400. Claims:
 * {@code iss} (the service's base URL, see {@link #issuer()}), {@code sub}, {@code aud} (a string
 * when there is one), {@code iat}, {@code nbf} = {@code iat}, {@code exp} = {@code iat + ttlSeconds},
 * a random {@code jti}, {@code roles} (an array), {@code scope} (omitted when absent) and the user's
 * {@code name}; the header has the signing key's {@code kid} and {@code typ: JWT}.
 *
 * <p>The JWKS lists the RS256 and ES256 signing keys plus rotated-out keys in their grace period
 * ({@link TokenRequest#MAX_TTL_SECONDS}, so every token they signed stays verifiable) — see
 * {@link KeyRing}. The key routes live under {@code /_admin}: never counted, never faulted; the
 * token and JWKS routes are counted and faulted like any service route.
 */
public final class IdentityService implements ServiceRoutes {

  /** The {@code Cache-Control} of the JWKS. */
  public static final String JWKS_CACHE_CONTROL = "max-age=60";

  private static final Logger LOG = LoggerFactory.getLogger(IdentityService.class);
  private static final int MAX_BODY_BYTES = 16 * 1024;

  private final UsersService users;
  private final Clock clock;
  private final KeyRing keys;
  private volatile String issuer;

  /** Issues tokens for the users of {@code data}, with new keys and the system clock. */
  public IdentityService(ProductData data) {
    this(data, Clock.systemUTC());
  }

  /** Issues tokens for the users of {@code data}, with new keys, reading the time from {@code clock}. */
  public IdentityService(ProductData data, Clock clock) {
    this.users = new UsersService(data);
    this.clock = clock;
    this.keys = new KeyRing(clock, Duration.ofSeconds(TokenRequest.MAX_TTL_SECONDS));
  }

  /** The {@code iss} of every token: {@code http://<host>:<port>} as clients reach the service. */
  public String issuer() {
    return issuer;
  }

  /** The signing and published keys, to rotate or inspect them from Java. */
  public KeyRing keys() {
    return keys;
  }

  @Override
  public void listening(String baseUrl) {
    this.issuer = baseUrl;
    LOG.info("identity: issuer {}, {}", baseUrl, keys);
  }

  @Override
  public void mount(Router router) {
    router.post("/token").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::token);
    router.get("/.well-known/jwks.json").handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, JWKS_CACHE_CONTROL);
      Replies.json(ctx, 200, keys.jwks());
    });
    router.get("/_admin/keys").handler(this::listKeys);
    router.post("/_admin/keys/rotate").handler(this::rotate);
    router.delete("/_admin/keys/:kid").handler(this::removeKey);
  }

  private void token(RoutingContext ctx) {
    TokenRequest request = read(ctx);
    String name = users.find(request.subject())
      .orElseThrow(() -> Problem.badRequest("sub '" + request.subject() + "' is not a demo user (u1..u"
        + UsersService.USER_COUNT + ")"))
      .getString("name");
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS); // JWT times are whole seconds
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
      .issuer(issuer)
      .subject(request.subject())
      .audience(request.audience())
      .issueTime(Date.from(now))
      .notBeforeTime(Date.from(now))
      .expirationTime(Date.from(now.plusSeconds(request.ttlSeconds())))
      .jwtID(UUID.randomUUID().toString())
      .claim("roles", request.roles())
      .claim("name", name);
    if (request.scope() != null) {
      claims.claim("scope", request.scope());
    }
    String token = keys.signingKey(request.alg()).sign(claims.build());
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    Replies.json(ctx, 200, new JsonObject()
      .put("access_token", token)
      .put("token_type", "Bearer")
      .put("expires_in", request.ttlSeconds()));
  }

  private static TokenRequest read(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw Problem.badRequest("the body must be a JSON object: " + e.getMessage());
    }
    if (body == null) {
      throw Problem.badRequest("a JSON object body is required");
    }
    try {
      return TokenRequest.fromJson(body);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("invalid token request: " + e.getMessage());
    }
  }

  private void listKeys(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    keys.published().forEach(key -> list.add(key.toJson()));
    Replies.json(ctx, 200, list);
  }

  private void rotate(RoutingContext ctx) {
    SigningAlg alg;
    try {
      alg = SigningAlg.of(QueryParams.required(ctx, "alg"));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(e.getMessage());
    }
    String retireParam = QueryParams.string(ctx, "retire", "false");
    if (!retireParam.equals("true") && !retireParam.equals("false")) {
      throw Problem.badRequest("query parameter 'retire' must be true or false");
    }
    boolean retire = retireParam.equals("true");
    // Generating a key takes CPU time: off the event loop.
    ctx.vertx().executeBlocking(() -> keys.rotate(alg, retire))
      .onSuccess(rotation -> Replies.json(ctx, 200, rotation.toJson()))
      .onFailure(ctx::fail);
  }

  private void removeKey(RoutingContext ctx) {
    String kid = ctx.pathParam("kid");
    ctx.vertx().executeBlocking(() -> keys.remove(kid))
      .onSuccess(removed -> {
        if (removed.isEmpty()) {
          Replies.error(ctx, 404, "not_found", "no published key " + kid);
        } else {
          Replies.json(ctx, 200, removed.get().toJson());
        }
      })
      .onFailure(ctx::fail);
  }
}
