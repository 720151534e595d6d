package dev.bff.demo;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.TimeoutException;

import static dev.bff.demo.IdentityServiceTest.verified;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Key rotation, removal and the shared admin, stats and fault behaviour of the identity service. */
@ExtendWith(VertxExtension.class)
class IdentityKeysTest {

  private static final String JWKS = "/.well-known/jwks.json";

  private Http http;
  private DemoServices demo;
  private String identity;

  @BeforeEach
  void start(Vertx vertx) {
    http = new Http(vertx);
    demo = DemoServices.start(vertx, Map.of("identity", 0)).await();
    identity = demo.url("identity");
  }

  @Test
  void rotationKeepsThePreviousKeyUntilRetiredOrRemoved() throws Exception {
    String tokenA = token("RS256");
    String kidA = kid(tokenA);

    JsonObject rotated = http.post(identity + "/_admin/keys/rotate?alg=RS256", new JsonObject()).json();
    assertThat(rotated.fieldNames()).containsExactlyInAnyOrder("kid", "alg", "signing", "previous", "retired");
    assertThat(rotated.getString("previous")).isEqualTo(kidA);
    assertThat(rotated.getBoolean("retired")).isFalse();
    String kidB = rotated.getString("kid");
    assertThat(kidB).isNotEqualTo(kidA);

    JWKSet afterRotate = jwks();
    assertThat(afterRotate.getKeys().stream().filter(k -> "RS256".equals(k.getAlgorithm().getName())))
      .extracting(JWK::getKeyID).containsExactlyInAnyOrder(kidA, kidB);
    verified(tokenA, afterRotate); // grace: tokens of the previous key still verify
    String tokenB = token("RS256");
    assertThat(kid(tokenB)).isEqualTo(kidB);
    verified(tokenB, afterRotate);

    JsonArray listed = http.get(identity + "/_admin/keys").jsonArray();
    assertThat(listed).hasSize(3);
    JsonObject old = entry(listed, kidA);
    assertThat(old.getBoolean("signing")).isFalse();
    assertThat(old.getString("alg")).isEqualTo("RS256");
    assertThat(old.getString("graceUntil")).isNotBlank();
    assertThat(entry(listed, kidB).getBoolean("signing")).isTrue();
    assertThat(entry(listed, kid(token("ES256"))).getBoolean("signing")).isTrue();

    JsonObject retired = http.post(identity + "/_admin/keys/rotate?alg=RS256&retire=true", new JsonObject()).json();
    assertThat(retired.getString("previous")).isEqualTo(kidB);
    assertThat(retired.getBoolean("retired")).isTrue();
    JWKSet afterRetire = jwks();
    assertThat(afterRetire.getKeyByKeyId(kidB)).isNull();
    assertThat(afterRetire.getKeyByKeyId(kidA)).as("still in its grace period").isNotNull();
    assertThat(afterRetire.getKeyByKeyId(retired.getString("kid"))).isNotNull();

    Http.Reply deleted = http.delete(identity + "/_admin/keys/" + kidA);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json()).isEqualTo(new JsonObject().put("removed", kidA).put("alg", "RS256")
      .putNull("replacement"));
    assertThat(jwks().getKeyByKeyId(kidA)).isNull();
    assertThat(http.delete(identity + "/_admin/keys/" + kidA).status()).isEqualTo(404);
    assertThat(http.get(identity + "/_admin/keys").jsonArray()).hasSize(2);
  }

  @Test
  void deletingASigningKeyReplacesIt() throws Exception {
    String kid = kid(token("ES256"));
    JsonObject removed = http.delete(identity + "/_admin/keys/" + kid).json();
    assertThat(removed.getString("removed")).isEqualTo(kid);
    String replacement = removed.getString("replacement");
    assertThat(replacement).isNotBlank().isNotEqualTo(kid);
    JWKSet jwks = jwks();
    assertThat(jwks.getKeyByKeyId(kid)).isNull();
    assertThat(jwks.getKeys()).hasSize(2);
    String next = token("ES256");
    assertThat(kid(next)).isEqualTo(replacement);
    verified(next, jwks);
  }

  @Test
  void badRotationsAre400() {
    assertThat(http.post(identity + "/_admin/keys/rotate", new JsonObject()).status()).isEqualTo(400);
    assertThat(http.post(identity + "/_admin/keys/rotate?alg=HS256", new JsonObject()).status()).isEqualTo(400);
    assertThat(http.post(identity + "/_admin/keys/rotate?alg=RS256&retire=yes", new JsonObject()).status())
      .isEqualTo(400);
    assertThat(http.get(identity + "/_admin/keys").jsonArray()).hasSize(2);
  }

  @Test
  void javaApiRotatesKeysToo() throws Exception {
    assertThat(demo.identity().issuer()).isEqualTo(identity);
    KeyRing.Rotation rotation = demo.identity().keys().rotate(SigningAlg.ES256, false);
    JWKSet jwks = jwks();
    assertThat(jwks.getKeyByKeyId(rotation.previousKid())).isNotNull();
    assertThat(jwks.getKeyByKeyId(rotation.key().kid())).isNotNull();
    assertThat(jwks.getKeys()).hasSize(3);
  }

  @Test
  void keyRoutesAreAdminNeitherCountedNorFaulted() {
    demo.faults("identity").add(FaultRule.on("*").withStatus(503, 1.0));
    demo.faults("identity").add(FaultRule.on("/_admin/*").withReset());
    assertThat(http.get(identity + "/_admin/keys").status()).isEqualTo(200);
    assertThat(http.post(identity + "/_admin/keys/rotate?alg=RS256", new JsonObject()).status()).isEqualTo(200);
    assertThat(http.post(identity + "/token", new JsonObject().put("sub", "u1")).status()).isEqualTo(503);
    assertThat(http.get(identity + JWKS).status()).isEqualTo(503);
    RequestStats stats = demo.stats("identity");
    assertThat(stats.requests()).isEqualTo(2);
    assertThat(stats.requests("/token")).isEqualTo(1);
    assertThat(stats.requests(JWKS)).isEqualTo(1);
  }

  @Test
  void faultsOnTheJwksFailOrHangIt() {
    demo.faults("identity").add(FaultRule.on(JWKS).withStatus(503, 1.0));
    Http.Reply failed = http.get(identity + JWKS);
    assertThat(failed.status()).isEqualTo(503);
    assertThat(failed.json().getString("error")).isEqualTo("injected_fault");
    assertThat(http.post(identity + "/token", new JsonObject().put("sub", "u1")).status()).isEqualTo(200);

    demo.faults("identity").add(FaultRule.on(JWKS).withHang());
    RequestOptions options = new RequestOptions().setAbsoluteURI(identity + JWKS).setIdleTimeout(300);
    assertThat(catchThrowable(() -> http.request(options, null).await())).isInstanceOf(TimeoutException.class);

    demo.faults("identity").clear();
    assertThat(http.get(identity + JWKS).status()).isEqualTo(200);
  }

  @Test
  void theIssuerOfAWildcardBindIsLoopback(Vertx vertx) throws Exception {
    DemoServices wildcard = DemoServices.start(vertx, Map.of("identity", 0), "0.0.0.0").await();
    try {
      String url = "http://127.0.0.1:" + wildcard.port("identity");
      assertThat(wildcard.identity().issuer()).isEqualTo(url).isEqualTo(wildcard.url("identity"));
      String token = http.post(url + "/token", new JsonObject().put("sub", "u2")).json().getString("access_token");
      assertThat(SignedJWT.parse(token).getJWTClaimsSet().getIssuer()).isEqualTo(url);
    } finally {
      wildcard.close().await();
    }
  }

  private String token(String alg) {
    Http.Reply reply = http.post(identity + "/token", new JsonObject().put("sub", "u7").put("alg", alg));
    assertThat(reply.status()).isEqualTo(200);
    return reply.json().getString("access_token");
  }

  private JWKSet jwks() throws Exception {
    return JWKSet.parse(http.get(identity + JWKS).body().toString());
  }

  private static String kid(String token) throws Exception {
    return SignedJWT.parse(token).getHeader().getKeyID();
  }

  private static JsonObject entry(JsonArray keys, String kid) {
    for (Object key : keys) {
      if (kid.equals(((JsonObject) key).getString("kid"))) {
        return (JsonObject) key;
      }
    }
    throw new AssertionError("no key " + kid + " in " + keys);
  }
}
