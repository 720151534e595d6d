package dev.bff.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.TestIdentity;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JWT validation through a real gateway: tokens minted with nimbus-jose-jwt (and the JDK for
 * Ed25519), keys served as a JWKS by a fake identity provider, the identity headers checked at the
 * upstream.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class JwtAuthTest {
  static final String YAML = """
      upstreams:
        svc: { instances: ["${SVC}"] }
      auth:
        jwt:
          clock-skew: 5s
          cookie: session
          claims-to-headers: { sub: X-User-Id, roles: X-User-Roles }
          issuers:
            - issuer: https://idp.test
              audiences: [bff-test]
              jwks-url: "${IDP}/jwks"
              jwks-min-refetch: 1ms
      routes:
        - { path: "/open/**", upstream: svc, auth: public }
        - { path: "/api/**", upstream: svc }
        - { path: "/admin/**", upstream: svc, auth: { any-role: [admin] } }
        - { path: "/orders/**", upstream: svc, auth: { all-scopes: ["orders:read", "orders:write"] } }
        - { path: "/my/cart/**", upstream: svc, rewrite: "/cart/{claim.sub}/{**}" }
      """;

  Vertx vertx;
  final TestIdentity idp = new TestIdentity();
  volatile int jwksStatus = 200;
  final AtomicInteger jwksFetches = new AtomicInteger();
  FakeUpstream jwksServer;
  FakeUpstream svc;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    svc = FakeUpstream.start(vertx, "svc");
    jwksServer = FakeUpstream.start(vertx, "idp").handler(req -> {
      jwksFetches.incrementAndGet();
      if (jwksStatus != 200) {
        req.response().setStatusCode(jwksStatus).end();
        return;
      }
      req.response().putHeader("content-type", "application/json").end(idp.jwks().encode());
    });
  }

  @AfterEach
  void stop() {
    if (bff != null) {
      bff.close();
    }
    svc.close();
    jwksServer.close();
  }

  private BffUnderTest gateway() {
    bff = BffUnderTest.start(vertx, YAML, Map.of("SVC", svc.url(), "IDP", jwksServer.url()));
    return bff;
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  /** The headers the upstream received, as the fake upstream echoes them. */
  private static JsonObject seenHeaders(BffUnderTest.Response r) {
    return r.json().getJsonObject("headers");
  }

  private void assertInvalid(BffUnderTest.Response r, String detail) {
    assertThat(r.status()).as(r.body().toString()).isEqualTo(401);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.header("www-authenticate")).startsWith("Bearer realm=\"bff\", error=\"invalid_token\"");
    assertThat(r.json().getString("detail")).contains(detail);
    assertThat(r.json().getString("requestId")).isEqualTo(r.header("x-request-id"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"})
  void aValidTokenOfEachAlgorithmPassesWithItsIdentity(String alg) {
    gateway();
    var r = bff.get("/api/orders", bearer(idp.token(alg, "u7", "customer", "vip")));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(seenHeaders(r).getString("x-user-id")).isEqualTo("u7");
    assertThat(seenHeaders(r).getString("x-user-roles")).isEqualTo("customer,vip");
    assertThat(seenHeaders(r).getString("authorization")).as("the token goes on, as sent").startsWith("Bearer ");
  }

  @Test
  void withoutATokenTheAnswerIs401WithoutAnErrorCode() {
    gateway();
    var r = bff.get("/api/orders");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("www-authenticate")).isEqualTo("Bearer realm=\"bff\"");
    assertThat(r.json().getString("type")).endsWith("/unauthorized");
    assertThat(svc.count()).isZero();
    assertThat(bff.get("/api/x", Map.of("Authorization", "Basic dTpw")).status()).as("not a bearer").isEqualTo(401);
  }

  @Test
  void expiredNotYetValidAndIssuedInTheFutureAreRejectedBeyondTheClockSkew() {
    gateway();
    long now = System.currentTimeMillis();
    JWTClaimsSet expired = idp.claims("u1").expirationTime(new Date(now - 60_000)).build();
    assertInvalid(bff.get("/api/a", bearer(idp.sign("RS256", "rsa-1", expired))), "expired");
    JWTClaimsSet early = idp.claims("u1").notBeforeTime(new Date(now + 60_000)).build();
    assertInvalid(bff.get("/api/a", bearer(idp.sign("RS256", "rsa-1", early))), "not valid yet");
    JWTClaimsSet future = idp.claims("u1").issueTime(new Date(now + 60_000)).build();
    assertInvalid(bff.get("/api/a", bearer(idp.sign("RS256", "rsa-1", future))), "not valid yet");
    JWTClaimsSet justExpired = idp.claims("u1").expirationTime(new Date(now - 2_000)).build();
    assertThat(bff.get("/api/a", bearer(idp.sign("RS256", "rsa-1", justExpired))).status())
        .as("2 s past exp is within the 5 s skew").isEqualTo(200);
    assertThat(svc.count()).isEqualTo(1);
  }

  @Test
  void theIssuerAndTheAudienceMustMatch() {
    gateway();
    JWTClaimsSet otherIss = idp.claims("u1").issuer("https://evil.test").build();
    assertInvalid(bff.get("/api/a", bearer(idp.sign("RS256", "rsa-1", otherIss))), "issuer");
    JWTClaimsSet otherAud = idp.claims("u1").audience("another-app").build();
    assertInvalid(bff.get("/api/a", bearer(idp.sign("RS256", "rsa-1", otherAud))), "audience");
    assertThat(svc.count()).isZero();
  }

  @Test
  void unsignedTokensAndAlgorithmConfusionAreAlwaysRejected() {
    gateway();
    JWTClaimsSet c = idp.claims("admin", "admin").build();
    assertInvalid(bff.get("/api/a", bearer(TestIdentity.unsigned(c, ""))), "not a signed JWT");
    assertInvalid(bff.get("/api/a", bearer(TestIdentity.unsigned(c, "c2ln"))), "algorithm is not accepted");
    byte[] publicPem = idp.rsaPublicPem("rsa-1").getBytes(StandardCharsets.US_ASCII);
    assertInvalid(bff.get("/api/a", bearer(TestIdentity.hs256(publicPem, "rsa-1", c))), "algorithm is not accepted");
    assertThat(svc.count()).isZero();
  }

  @Test
  void aTamperedOrMalformedTokenIsRejected() {
    gateway();
    String good = idp.token("RS256", "u1");
    String[] parts = good.split("\\.");
    String admin = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(idp.claims("admin", "admin")
        .build().toString().getBytes(StandardCharsets.UTF_8));
    assertInvalid(bff.get("/api/a", bearer(parts[0] + "." + admin + "." + parts[2])), "signature");
    assertInvalid(bff.get("/api/a", bearer(good.substring(0, good.length() - 10))), "signature");
    assertInvalid(bff.get("/api/a", bearer("not-a-token")), "not a signed JWT");
    assertInvalid(bff.get("/api/a", bearer("a.b.c")), "malformed");
    assertInvalid(bff.get("/api/a", bearer(parts[0] + "." + parts[1])), "not a signed JWT");
    assertThat(bff.get("/api/a", bearer(good)).status()).isEqualTo(200);
  }

  @Test
  void aNewKeyIdFetchesTheJwksAgainAndAnUnknownOneStaysRejected() {
    gateway();
    assertThat(bff.get("/api/a", bearer(idp.token("RS256", "u1"))).status()).isEqualTo(200);
    int fetches = jwksFetches.get();
    idp.addRsa("rsa-2"); // the provider rotates; the gateway has not seen the new key yet
    String rotated = idp.sign("RS256", "rsa-2", idp.claims("u2").build());
    var r = bff.get("/api/a", bearer(rotated));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(seenHeaders(r).getString("x-user-id")).isEqualTo("u2");
    assertThat(jwksFetches.get()).isEqualTo(fetches + 1);

    TestIdentity stranger = new TestIdentity(); // other keys
    stranger.addRsa("rsa-9");
    assertInvalid(bff.get("/api/a", bearer(stranger.sign("RS256", "rsa-9", stranger.claims("u3").build()))),
        "unknown key id");
    assertInvalid(bff.get("/api/a", bearer(stranger.sign("RS256", "rsa-1", stranger.claims("u3").build()))),
        "signature");
  }

  @Test
  void aTokenOfAKeyRemovedFromTheJwksIsRejectedEvenThoughItWasVerifiedBefore() {
    gateway();
    String old = idp.token("RS256", "u1");
    assertThat(bff.get("/api/a", bearer(old)).status()).isEqualTo(200);
    idp.addRsa("rsa-2");
    idp.remove("rsa-1");
    // a token of the new key makes the gateway fetch the keys again
    assertThat(bff.get("/api/a", bearer(idp.sign("RS256", "rsa-2", idp.claims("u2").build()))).status())
        .isEqualTo(200);
    assertInvalid(bff.get("/api/a", bearer(old)), "key");
  }

  @Test
  void whenTheJwksIsDownTheLastGoodKeysAreUsed() {
    gateway();
    String token = idp.token("ES256", "u1");
    assertThat(bff.get("/api/a", bearer(token)).status()).isEqualTo(200);
    jwksStatus = 503;
    idp.addRsa("rsa-2");
    // an unknown kid triggers a fetch, which fails: still 401 for it, the known keys keep working
    assertInvalid(bff.get("/api/a", bearer(idp.sign("RS256", "rsa-2", idp.claims("u2").build()))), "key");
    assertThat(bff.get("/api/a", bearer(idp.token("ES256", "u3"))).status()).isEqualTo(200);
    assertThat(bff.get("/api/a", bearer(token)).status()).isEqualTo(200);
  }

  @Test
  void aColdStartWithoutKeysAnswers503AndRecoversWhenTheJwksIsBack() {
    jwksStatus = 503;
    gateway();
    var r = bff.get("/api/a", bearer(idp.token("RS256", "u1")));
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json().getString("type")).endsWith("/auth-unavailable");
    assertThat(r.header("retry-after")).isEqualTo("5");
    assertThat(svc.count()).isZero();
    jwksStatus = 200;
    assertThat(bff.get("/api/a", bearer(idp.token("RS256", "u1"))).status()).isEqualTo(200);
  }

  @Test
  void aClientCanNeverSendItsOwnIdentityHeaders() {
    gateway();
    var open = bff.get("/open/x", Map.of("X-User-Id", "admin", "X-User-Roles", "admin"));
    assertThat(open.status()).isEqualTo(200);
    assertThat(seenHeaders(open).containsKey("x-user-id")).as("public route: removed").isFalse();
    assertThat(seenHeaders(open).containsKey("x-user-roles")).isFalse();
    var spoofed = bff.get("/api/x", Map.of("Authorization", "Bearer " + idp.token("RS256", "u5"),
        "X-User-Id", "admin", "x-user-roles", "admin"));
    assertThat(seenHeaders(spoofed).getString("x-user-id")).isEqualTo("u5");
    assertThat(seenHeaders(spoofed).getString("x-user-roles")).isEmpty();
  }

  @Test
  void rolesAndScopesAreCheckedWith403() {
    gateway();
    var customer = bff.get("/admin/x", bearer(idp.token("RS256", "u1", "customer")));
    assertThat(customer.status()).isEqualTo(403);
    assertThat(customer.header("www-authenticate")).contains("error=\"insufficient_scope\"");
    assertThat(customer.json().getString("detail")).contains("[admin]");
    assertThat(bff.get("/admin/x", bearer(idp.token("ES256", "u1", "customer", "admin"))).status()).isEqualTo(200);

    String readOnly = idp.sign("RS256", "rsa-1", idp.claims("u1").claim("scope", "orders:read profile").build());
    assertThat(bff.get("/orders/1", bearer(readOnly)).status()).isEqualTo(403);
    String readWrite = idp.sign("RS256", "rsa-1", idp.claims("u1").claim("scope", "orders:write orders:read")
        .build());
    assertThat(bff.get("/orders/1", bearer(readWrite)).status()).isEqualTo(200);
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/admin/x", "/orders/1");
  }

  @Test
  void aRouteCanAddressTheCallersOwnResourceByAClaim() {
    gateway();
    bff.get("/my/cart/items?x=1", bearer(idp.token("RS256", "u7")));
    bff.get("/my/cart", bearer(idp.token("RS256", "a/../b")));
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/cart/u7/items?x=1", "/cart/a%2F..%2Fb");
  }

  @Test
  void theTokenMayComeInTheConfiguredCookie() {
    gateway();
    var r = bff.get("/api/x", Map.of("Cookie", "theme=dark; session=" + idp.token("RS256", "u8")));
    assertThat(r.status()).isEqualTo(200);
    assertThat(seenHeaders(r).getString("x-user-id")).isEqualTo("u8");
  }

  @Test
  void aRememberedTokenStillExpires() {
    gateway();
    long now = System.currentTimeMillis();
    String shortLived = idp.sign("RS256", "rsa-1", idp.claims("u1").expirationTime(new Date(now + 1000)).build());
    assertThat(bff.get("/api/a", bearer(shortLived)).status()).isEqualTo(200);
    dev.bff.common.testing.Poll.until("the token expired beyond the skew", java.time.Duration.ofSeconds(15), () ->
        bff.get("/api/a", bearer(shortLived)).status() == 401);
  }

  @Test
  void hs256IsAcceptedOnlyWithAConfiguredSecret() {
    String secret = "0123456789abcdef0123456789abcdef-demo-only";
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${SVC}"] }
        auth:
          jwt:
            issuers:
              - { issuer: https://idp.test, audiences: [bff-test], keys: [ { alg: HS256, secret: "%s" } ] }
        routes:
          - { path: "/api/**", upstream: svc }
        """.formatted(secret), Map.of("SVC", svc.url()));
    JWTClaimsSet c = idp.claims("u1").build();
    assertThat(bff.get("/api/a", bearer(TestIdentity.hs256(secret.getBytes(StandardCharsets.UTF_8), "k", c)))
        .status()).isEqualTo(200);
    assertInvalid(bff.get("/api/a", bearer(TestIdentity.hs256(
        "another-secret-another-secret-another".getBytes(StandardCharsets.UTF_8), "k", c))), "signature");
    assertInvalid(bff.get("/api/a", bearer(idp.token("RS256", "u1"))), "algorithm is not accepted");
  }
}
