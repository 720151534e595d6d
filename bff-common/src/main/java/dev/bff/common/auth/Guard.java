package dev.bff.common.auth;

import dev.bff.common.config.AuthConfig.AuthRule;
import dev.bff.common.config.AuthConfig.Method;
import dev.bff.common.observability.RouteMeters.AuthFailure;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Target;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * A route or endpoint that needs credentials: a client certificate (verified by the TLS
 * listener), an API key, or a JWT from {@code Authorization: Bearer} (or the configured cookie) —
 * whichever of those the route accepts and the request carries, in that order. Verifies it, checks
 * the route's roles, scopes and clients, sets the identity headers, then lets the route serve.
 * Answers 401 problem+json with a {@code WWW-Authenticate} challenge (RFC 6750 for bearer tokens:
 * {@code error="invalid_token"} for a bad one), 403 ({@code error="insufficient_scope"} for a token
 * lacking roles or scopes), or 503 when no keys are available. A request whose body arrives while
 * the keys are fetched is paused until the decision.
 */
public final class Guard implements Target {
  private static final String REALM = "Bearer realm=\"bff\"";
  private static final String WWW_AUTHENTICATE = "WWW-Authenticate";

  private final Target next;
  private final AuthRule rule;
  private final Authenticators auth;
  private final IdentityHeaders identity;
  private final boolean certs;
  private final boolean keys;
  private final boolean tokens;
  private final String missing;
  private final String challenge;

  /** Guards {@code next} with {@code rule} (not public); {@code auth} has a verifier for each of its methods. */
  public Guard(Target next, AuthRule rule, Authenticators auth, IdentityHeaders identity) {
    this.next = next;
    this.rule = rule;
    this.auth = auth;
    this.identity = identity;
    this.certs = rule.methods().contains(Method.CLIENT_CERT);
    this.keys = rule.methods().contains(Method.API_KEY);
    this.tokens = rule.methods().contains(Method.JWT);
    java.util.List<String> wanted = new java.util.ArrayList<>();
    java.util.List<String> challenges = new java.util.ArrayList<>();
    if (tokens) {
      wanted.add("a bearer token");
      challenges.add(REALM);
    }
    if (keys) {
      wanted.add("an API key in " + auth.apiKeys().header());
      challenges.add("ApiKey realm=\"bff\", header=\"" + auth.apiKeys().header() + "\"");
    }
    if (certs) {
      wanted.add("a client certificate");
    }
    this.missing = (wanted.size() == 1 ? wanted.get(0) : String.join(", ", wanted.subList(0, wanted.size() - 1))
        + " or " + wanted.get(wanted.size() - 1)) + " is required";
    this.challenge = challenges.isEmpty() ? null : String.join(", ", challenges);
  }

  @Override
  public void serve(Exchange ex) {
    HttpServerRequest req = ex.request();
    if (certs && req.isSSL()) {
      Principal p;
      try {
        p = auth.certs().identify(req);
      } catch (AuthException e) {
        decide(ex, Future.failedFuture(e), Method.CLIENT_CERT);
        return;
      }
      if (p != null) {
        decide(ex, Future.succeededFuture(p), Method.CLIENT_CERT);
        return;
      }
    }
    if (keys) {
      String key = req.getHeader(auth.apiKeys().header());
      if (key != null) {
        req.headers().remove(auth.apiKeys().header()); // the key stays at the gateway
        await(ex, auth.apiKeys().authenticate(key), Method.API_KEY);
        return;
      }
    }
    String token = tokens ? token(req, auth.jwt().config().cookie()) : null;
    if (token == null) {
      if (challenge != null) {
        ex.response().putHeader(WWW_AUTHENTICATE, challenge);
      }
      counted(ex, AuthFailure.MISSING);
      fail(ex, Category.UNAUTHORIZED, missing);
      return;
    }
    await(ex, auth.jwt().authenticate(token), Method.JWT);
  }

  private void await(Exchange ex, Future<Principal> f, Method method) {
    ex.whenDone(f, done -> decide(ex, done, method));
  }

  private void decide(Exchange ex, Future<Principal> f, Method method) {
    if (ex.response().closed() || ex.response().ended()) {
      return;
    }
    if (f.failed()) {
      Category c = f.cause() instanceof AuthException a ? a.category() : Category.UNAUTHORIZED;
      String detail = f.cause() instanceof AuthException ? f.cause().getMessage() : "the credentials are not valid";
      if (c == Category.UNAUTHORIZED && method == Method.JWT) {
        ex.response().putHeader(WWW_AUTHENTICATE, REALM + ", error=\"invalid_token\", error_description=\""
            + detail + "\"");
      } else if (c == Category.UNAUTHORIZED && challenge != null) {
        ex.response().putHeader(WWW_AUTHENTICATE, challenge);
      } else if (c == Category.AUTH_UNAVAILABLE) {
        ex.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
      }
      counted(ex, c == Category.AUTH_UNAVAILABLE ? AuthFailure.UNAVAILABLE
          : c == Category.FORBIDDEN ? AuthFailure.FORBIDDEN : AuthFailure.INVALID);
      fail(ex, c, detail);
      return;
    }
    Principal p = f.result();
    String denied = AuthPolicy.denied(rule, p);
    if (denied != null) {
      if (method == Method.JWT) {
        ex.response().putHeader(WWW_AUTHENTICATE, REALM + ", error=\"insufficient_scope\"");
      }
      counted(ex, AuthFailure.FORBIDDEN);
      fail(ex, Category.FORBIDDEN, denied);
      return;
    }
    ex.principal(p);
    identity.set(ex.request().headers(), p);
    next.serve(ex);
  }

  private static void counted(Exchange ex, AuthFailure reason) {
    if (ex.meters() != null) {
      ex.meters().authFailure(reason);
    }
  }

  private static void fail(Exchange ex, Category c, String detail) {
    ex.refuse(c, detail);
  }

  /** The bearer token of a request, or null. */
  static String token(HttpServerRequest req, String cookie) {
    String h = req.getHeader(HttpHeaders.AUTHORIZATION);
    if (h != null) {
      if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String t = h.substring(7).trim();
        return t.isEmpty() ? null : t;
      }
      return null;
    }
    if (cookie != null) {
      Cookie c = req.getCookie(cookie);
      return c == null || c.getValue().isEmpty() ? null : c.getValue();
    }
    return null;
  }

  @Override
  public String describe() {
    return "auth " + rule + " -> " + next.describe();
  }
}
