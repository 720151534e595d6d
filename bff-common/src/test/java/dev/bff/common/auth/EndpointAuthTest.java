package dev.bff.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.aggregate.Composition;
import dev.bff.common.aggregate.Part;
import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.Reply;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.TestIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Authentication of composed and Java endpoints: the caller's identity reaches every part, and only theirs. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class EndpointAuthTest {
  final TestIdentity idp = new TestIdentity();
  FakeUpstream svc;
  FakeUpstream jwks;
  BffUnderTest bff;

  /** A Java endpoint that answers with what it knows of its caller. */
  static final class MeBff implements BffModule {
    @Override
    public String name() {
      return "me-bff";
    }

    @Override
    public void endpoints(Endpoints e) {
      e.get("whoami", "/whoami", r -> Future.succeededFuture(Reply.json(new JsonObject()
          .put("sub", r.principal() == null ? null : r.principal().subject())
          .put("roles", r.principal() == null ? null : new io.vertx.core.json.JsonArray(
              r.principal().roles().stream().sorted().toList())))));
      e.get("profile", "/profile", Composition.of(
          Part.required("user", "svc", (u, c) -> u.getJson("/users/" + c.request().principal().subject()))));
    }
  }

  @BeforeEach
  void start(Vertx vertx) {
    svc = FakeUpstream.start(vertx, "svc");
    jwks = FakeUpstream.start(vertx, "idp").handler(req -> req.response().end(idp.jwks().encode()));
    bff = BffUnderTest.start(vertx, new MeBff(), """
        upstreams:
          svc: { instances: ["${SVC}"] }
        auth:
          jwt:
            claims-to-headers: { sub: X-User-Id }
            issuers: [ { issuer: https://idp.test, audiences: [bff-test], jwks-url: "${IDP}/jwks" } ]
        endpoints:
          whoami: { auth: { any-role: [customer] } }
          me:
            path: /me
            parts:
              user:   { upstream: svc, path: "/users/{claim.sub}", required: true }
              orders: { upstream: svc, path: "/orders?userId={claim.sub}" }
          open:
            path: /open
            auth: public
            parts: { a: { upstream: svc, path: /a } }
        """, Map.of("SVC", svc.url(), "IDP", jwks.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
    jwks.close();
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  @Test
  void aJavaEndpointSeesItsCallerAndChecksItsRoles() {
    var r = bff.get("/whoami", bearer(idp.token("ES256", "u4", "customer", "beta")));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("sub")).isEqualTo("u4");
    assertThat(r.json().getJsonArray("roles").encode()).isEqualTo("[\"beta\",\"customer\"]");
    assertThat(bff.get("/whoami", bearer(idp.token("ES256", "u4", "guest"))).status()).isEqualTo(403);
    assertThat(bff.get("/whoami").status()).isEqualTo(401);
  }

  @Test
  void everyPartCarriesTheVerifiedIdentityAndNoneTheSpoofedOne() {
    var r = bff.get("/me", Map.of("Authorization", "Bearer " + idp.token("RS256", "u9"), "X-User-Id", "u1"));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsExactlyInAnyOrder("/users/u9", "/orders?userId=u9");
    assertThat(svc.seen()).allSatisfy(s -> assertThat(s.headers().get("x-user-id")).isEqualTo("u9"));
    var profile = bff.get("/profile", bearer(idp.token("RS256", "u3")));
    assertThat(profile.status()).isEqualTo(200);
    assertThat(svc.seen().get(2).headers().get("x-user-id")).isEqualTo("u3");
  }

  @Test
  void aPublicEndpointPassesNoIdentityEvenWhenTheClientSendsOne() {
    var r = bff.get("/open", Map.of("X-User-Id", "admin"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(svc.seen().get(0).headers().contains("x-user-id")).isFalse();
  }
}
