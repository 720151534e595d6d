package dev.bff.common.server;

import dev.bff.common.config.Secret;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Problem;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin listener's guard ({@code server.admin-token}): every request but {@code /health/*}
 * (open for probes) and {@code /dashboard} (a static page with no data: its script sends the token,
 * taken from the address's {@code #token=} fragment, with each {@code /admin/dashboard} call) must carry {@code Authorization: Bearer <token>}, else 401 problem+json. The
 * token is compared by its SHA-256 digest with {@link MessageDigest#isEqual}, in constant time
 * whatever the length or content of what was sent.
 */
final class AdminAuth implements Handler<RoutingContext> {
  private static final String BEARER = "bearer ";

  private final byte[] expected;

  private AdminAuth(Secret token) {
    this.expected = sha256(token.value());
  }

  /** The guard for {@code token}, or null when there is none (the listener is open). */
  static AdminAuth of(Secret token) {
    return token == null ? null : new AdminAuth(token);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.startsWith("/health/") || path.equals("/dashboard")) {
      ctx.next();
      return;
    }
    String h = ctx.request().getHeader("Authorization");
    boolean bearer = h != null && h.regionMatches(true, 0, BEARER, 0, BEARER.length());
    if (bearer && MessageDigest.isEqual(expected, sha256(h.substring(BEARER.length()).trim()))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"bff-admin\"");
    Problem.send(ctx.response(), Category.UNAUTHORIZED,
        bearer ? "the admin token is not valid" : "the admin API needs Authorization: Bearer <server.admin-token>",
        path, null);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
