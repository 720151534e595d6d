package dev.bff.common.auth;

import dev.bff.common.config.AuthConfig.IssuerConfig;
import dev.bff.common.config.AuthConfig.StaticKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verification keys of one issuer, shared by all event loops: its static keys plus the public
 * keys of its JWKS, fetched at start, every {@code jwks-refresh}, and when a token names a key id
 * not seen yet (at most once per {@code jwks-min-refetch}). When a fetch fails, the last good keys
 * stay; only symmetric keys the configuration gives explicitly are ever used (a JWKS's {@code oct}
 * keys are ignored), and a key set without keys is never used to verify (vertx-auth-jwt would then
 * accept unsigned tokens).
 */
final class IssuerKeys {
  private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
  private static final Set<String> RSA_ALGS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");

  /**
   * A usable set of keys.
   *
   * @param auth    the verifier over these keys, or null when there are none
   * @param kids    the key ids it holds
   * @param version grows whenever the keys change, so cached verifications can be re-checked
   */
  record KeySet(JWTAuth auth, Set<String> kids, long version) {}

  private final Vertx vertx;
  private final io.vertx.core.Context context; // every fetch runs here, request and response alike
  private final IssuerConfig config;
  private final JWTOptions options;
  private final HttpClient client;
  private final LongSupplier clock;
  private final List<PubSecKeyOptions> staticKeys = new ArrayList<>();
  private volatile KeySet current;
  private JsonArray lastJwks = new JsonArray(); // guarded by this
  private long lastFetchNanos = Long.MIN_VALUE / 2; // guarded by this
  private Future<KeySet> fetching; // guarded by this
  private long timer = -1;

  IssuerKeys(Vertx vertx, IssuerConfig config, Duration clockSkew, LongSupplier nanoClock) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.config = config;
    this.clock = nanoClock;
    this.options = new JWTOptions().setIssuer(config.issuer())
        .setLeeway((int) Math.min(Integer.MAX_VALUE, clockSkew.toSeconds()));
    if (!config.audiences().isEmpty()) {
      options.setAudience(config.audiences());
    }
    for (StaticKey k : config.keys()) {
      staticKeys.add(new PubSecKeyOptions().setAlgorithm(k.alg()).setBuffer(k.secret() != null ? k.secret() : k.pem()));
    }
    this.client = config.jwksUrl() == null ? null : vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout(2000).setIdleTimeout(5).setName("jwks-" + config.issuer()));
    this.current = build(new JsonArray(), 0);
  }

  /** Fetches the JWKS now and then every {@code jwks-refresh}. */
  Future<Void> start() {
    if (client == null) {
      return Future.succeededFuture();
    }
    timer = vertx.setPeriodic(Math.max(1000, config.jwksRefresh().toMillis()), id -> fetch());
    return fetch().<Void>mapEmpty().recover(e -> Future.succeededFuture()); // starting without keys is allowed
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (client != null) {
      client.close();
    }
  }

  IssuerConfig config() {
    return config;
  }

  /** The keys now. */
  KeySet current() {
    return current;
  }

  /**
   * Fetches the JWKS again unless that happened less than {@code jwks-min-refetch} ago (a token with
   * an unknown key id, or no keys yet); completes with the keys then current.
   */
  Future<KeySet> refetchIfAllowed() {
    if (client == null) {
      return Future.succeededFuture(current);
    }
    synchronized (this) {
      if (fetching != null) {
        return fetching;
      }
      if (clock.getAsLong() - lastFetchNanos < config.jwksMinRefetch().toNanos()) {
        return Future.succeededFuture(current);
      }
    }
    return fetch().recover(e -> Future.succeededFuture(current));
  }

  private Future<KeySet> fetch() {
    Promise<KeySet> p = Promise.promise();
    synchronized (this) {
      if (fetching != null) {
        return fetching;
      }
      fetching = p.future();
      lastFetchNanos = clock.getAsLong();
    }
    // on one context: a request made from a thread outside Vert.x (start-up) could otherwise lose its
    // response's end to the connection's event loop (Vert.x 5.0.7, eclipse-vertx/vert.x#6038)
    context.runOnContext(v -> request(p));
    return p.future();
  }

  private void request(Promise<KeySet> p) {
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(config.jwksUrl().toString())
            .setIdleTimeout(5000).putHeader("accept", "application/json"))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) {
            throw new IllegalStateException("answered " + resp.statusCode());
          }
          return b.toJsonObject().getJsonArray("keys");
        }))
        .onComplete(ar -> {
          synchronized (this) {
            fetching = null;
            if (ar.succeeded() && ar.result() != null) {
              JsonArray keys = usable(ar.result());
              if (!keys.equals(lastJwks)) {
                lastJwks = keys;
                current = build(keys, current.version() + 1);
                LOG.info("issuer {}: {} verification keys {}", config.issuer(), current.kids().size(), current.kids());
              }
            } else {
              LOG.warn("issuer {}: fetching {} failed ({}); keeping {} keys", config.issuer(), config.jwksUrl(),
                  ar.failed() ? ar.cause().toString() : "no keys member", current.kids().size());
            }
          }
          if (ar.succeeded() && ar.result() != null) {
            p.complete(current);
          } else {
            p.fail(ar.failed() ? ar.cause() : new IllegalStateException("the JWKS has no keys member"));
          }
        });
  }

  /** The public signing keys of a JWKS that the issuer's accepted algorithms can use. */
  private JsonArray usable(JsonArray keys) {
    JsonArray out = new JsonArray();
    for (Object o : keys) {
      if (!(o instanceof JsonObject k)) {
        continue;
      }
      String kty = k.getString("kty");
      String use = k.getString("use");
      if (use != null && !use.equals("sig") || kty == null || kty.equals("oct")) {
        continue; // encryption keys, and never a shared secret published in a JWKS
      }
      JsonObject pub = publicPart(k);
      String alg = k.getString("alg");
      if (alg != null) {
        if (config.algorithms().contains(alg)) {
          out.add(pub);
        }
      } else if (kty.equals("RSA")) { // one key, every accepted RSA algorithm
        for (String a : RSA_ALGS) {
          if (config.algorithms().contains(a)) {
            out.add(pub.copy().put("alg", a));
          }
        }
      } else {
        String a = kty.equals("OKP") ? "EdDSA" : switch (String.valueOf(k.getString("crv"))) {
          case "P-384" -> "ES384";
          case "P-521" -> "ES512";
          default -> "ES256";
        };
        if (config.algorithms().contains(a)) {
          out.add(pub.put("alg", a));
        }
      }
    }
    return out;
  }

  private static JsonObject publicPart(JsonObject k) {
    JsonObject pub = new JsonObject();
    for (String f : new String[] {"kty", "kid", "alg", "use", "n", "e", "crv", "x", "y"}) {
      if (k.containsKey(f)) {
        pub.put(f, k.getValue(f));
      }
    }
    return pub;
  }

  private KeySet build(JsonArray jwks, long version) {
    Set<String> kids = new HashSet<>();
    List<JsonObject> list = new ArrayList<>();
    for (Object o : jwks) {
      JsonObject k = (JsonObject) o;
      list.add(k);
      if (k.getString("kid") != null) {
        kids.add(k.getString("kid"));
      }
    }
    if (list.isEmpty() && staticKeys.isEmpty()) {
      return new KeySet(null, Set.of(), version);
    }
    JWTAuthOptions o = new JWTAuthOptions().setJWTOptions(options);
    o.setJwks(list);
    o.setPubSecKeys(staticKeys);
    try {
      return new KeySet(JWTAuth.create(vertx, o), Set.copyOf(kids), version);
    } catch (RuntimeException e) {
      LOG.warn("issuer {}: keys rejected ({}); keeping the previous ones", config.issuer(), e.toString());
      return current != null ? current : new KeySet(null, Set.of(), version);
    }
  }
}
