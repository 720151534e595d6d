package dev.bff.common.auth;

import dev.bff.common.config.AuthConfig.AuthRule;
import dev.bff.common.proxy.Bodies;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Target;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * A route or endpoint that needs a token: takes it from {@code Authorization: Bearer} (or the
 * configured cookie), verifies it, checks the route's roles and scopes, sets the identity headers
 * from its claims, then lets the route serve. Answers 401 problem+json with
 * {@code WWW-Authenticate: Bearer} (RFC 6750: {@code error="invalid_token"} for a bad token), 403
 * with {@code error="insufficient_scope"}, or 503 when no keys are available. A request whose
 * body arrives while the keys are fetched is paused until the decision.
 */
public final class Guard implements Target {
  private static final String REALM = "Bearer realm=\"bff\"";
  private static final String WWW_AUTHENTICATE = "WWW-Authenticate";

  private final Target next;
  private final AuthRule rule;
  private final JwtAuthenticator jwt;
  private final IdentityHeaders identity;

  /** Guards {@code next} with {@code rule} (not public). */
  public Guard(Target next, AuthRule rule, JwtAuthenticator jwt, IdentityHeaders identity) {
    this.next = next;
    this.rule = rule;
    this.jwt = jwt;
    this.identity = identity;
  }

  @Override
  public void serve(Exchange ex) {
    String token = token(ex.request(), jwt.config().cookie());
    if (token == null) {
      ex.response().putHeader(WWW_AUTHENTICATE, REALM);
      ex.fail(Category.UNAUTHORIZED, "a bearer token is required");
      return;
    }
    Future<Principal> f = jwt.authenticate(token);
    if (f.isComplete()) {
      decide(ex, f);
      return;
    }
    if (Bodies.hasBody(ex.request())) {
      ex.request().pause(); // the route resumes it when it is ready for the body
    }
    Context ctx = Vertx.currentContext();
    f.onComplete(ar -> {
      if (Vertx.currentContext() == ctx) {
        decide(ex, f);
      } else {
        ctx.runOnContext(v -> decide(ex, f));
      }
    });
  }

  private void decide(Exchange ex, Future<Principal> f) {
    if (ex.response().closed() || ex.response().ended()) {
      return;
    }
    if (f.failed()) {
      Category c = f.cause() instanceof AuthException a ? a.category() : Category.UNAUTHORIZED;
      String detail = f.cause() instanceof AuthException ? f.cause().getMessage() : "the token is not valid";
      if (c == Category.UNAUTHORIZED) {
        ex.response().putHeader(WWW_AUTHENTICATE, REALM + ", error=\"invalid_token\", error_description=\""
            + detail + "\"");
      } else {
        ex.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
      }
      fail(ex, c, detail);
      return;
    }
    Principal p = f.result();
    String denied = AuthPolicy.denied(rule, p);
    if (denied != null) {
      ex.response().putHeader(WWW_AUTHENTICATE, REALM + ", error=\"insufficient_scope\"");
      fail(ex, Category.FORBIDDEN, denied);
      return;
    }
    ex.principal(p);
    identity.set(ex.request().headers(), p);
    next.serve(ex);
  }

  /** Answers; a body the client is still sending makes the connection unusable, so it closes after. */
  private static void fail(Exchange ex, Category c, String detail) {
    HttpServerRequest req = ex.request();
    boolean unread = req.version() != io.vertx.core.http.HttpVersion.HTTP_2 && !req.isEnded() && Bodies.hasBody(req);
    if (unread) {
      ex.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    Future<Void> sent = ex.fail(c, detail);
    if (unread) {
      sent.onComplete(v -> req.connection().close());
    }
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
