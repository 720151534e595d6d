package dev.bff.demo;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The identity service's tokens, verified the way a gateway does: with the JWKS fetched over HTTP. */
@ExtendWith(VertxExtension.class)
class IdentityServiceTest {

  private Http http;
  private DemoServices demo;
  private String identity;

  @BeforeEach
  void start(Vertx vertx) {
    http = new Http(vertx);
    demo = DemoServices.start(vertx, Map.of("identity", 0)).await();
    identity = demo.url("identity");
  }

  @ParameterizedTest
  @EnumSource(SigningAlg.class)
  void tokensVerifyWithTheJwksAndCarryTheClaims(SigningAlg alg) throws Exception {
    Http.Reply reply = http.post(identity + "/token", new JsonObject()
      .put("sub", "u7").put("roles", new JsonArray().add("customer").add("beta"))
      .put("scope", "orders:read cart:write").put("alg", alg.name()).put("aud", "bff-web").put("ttlSeconds", 120));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get("cache-control")).isEqualTo("no-store");
    assertThat(reply.json().fieldNames()).containsExactlyInAnyOrder("access_token", "token_type", "expires_in");
    assertThat(reply.json().getString("token_type")).isEqualTo("Bearer");
    assertThat(reply.json().getLong("expires_in")).isEqualTo(120);

    SignedJWT jwt = verified(reply.json().getString("access_token"), jwks());
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(alg.jws());
    assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(demo.identity().keys().signingKey(alg).kid());
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo(identity).isEqualTo(demo.identity().issuer());
    assertThat(claims.getSubject()).isEqualTo("u7");
    assertThat(claims.getAudience()).containsExactly("bff-web");
    assertThat(seconds(claims.getExpirationTime()) - seconds(claims.getIssueTime())).isEqualTo(120);
    assertThat(claims.getNotBeforeTime()).isEqualTo(claims.getIssueTime());
    assertThat(Math.abs(seconds(claims.getIssueTime()) - System.currentTimeMillis() / 1000)).isLessThan(60);
    assertThat(claims.getJWTID()).isNotBlank();
    assertThat(claims.getStringListClaim("roles")).containsExactly("customer", "beta");
    assertThat(claims.getStringClaim("scope")).isEqualTo("orders:read cart:write");
    assertThat(claims.getStringClaim("name"))
      .isEqualTo(new UsersService(ProductData.standard()).find("u7").orElseThrow().getString("name"));
    assertThat(claims.getClaims().keySet())
      .containsExactlyInAnyOrder("iss", "sub", "aud", "iat", "nbf", "exp", "jti", "roles", "scope", "name");
  }

  @Test
  void defaultsAreRs256AudienceBffFiveMinutesNoRolesNoScope() throws Exception {
    JsonObject reply = http.post(identity + "/token", new JsonObject().put("sub", "u1")).json();
    assertThat(reply.getLong("expires_in")).isEqualTo(TokenRequest.DEFAULT_TTL_SECONDS);
    SignedJWT jwt = verified(reply.getString("access_token"), jwks());
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getAudience()).containsExactly("bff");
    assertThat(seconds(claims.getExpirationTime()) - seconds(claims.getIssueTime())).isEqualTo(300);
    assertThat(claims.getStringListClaim("roles")).isEmpty();
    assertThat(claims.getClaims()).doesNotContainKey("scope");

    JWTClaimsSet two = verified(token(new JsonObject().put("sub", "u1").put("aud", new JsonArray().add("a").add("b"))
      .put("ttlSeconds", TokenRequest.MAX_TTL_SECONDS)), jwks()).getJWTClaimsSet();
    assertThat(two.getAudience()).containsExactly("a", "b");
    assertThat(two.getJWTID()).isNotEqualTo(claims.getJWTID());
  }

  @Test
  void badTokenRequestsAre400() {
    List<Object> bodies = List.of(
      new JsonObject(),
      new JsonObject().put("sub", "u51"),
      new JsonObject().put("sub", "nobody"),
      new JsonObject().put("sub", 7),
      new JsonObject().put("sub", "u1").put("alg", "HS256"),
      new JsonObject().put("sub", "u1").put("alg", "none"),
      new JsonObject().put("sub", "u1").put("alg", "rs256"),
      new JsonObject().put("sub", "u1").put("ttlSeconds", 0),
      new JsonObject().put("sub", "u1").put("ttlSeconds", TokenRequest.MAX_TTL_SECONDS + 1),
      new JsonObject().put("sub", "u1").put("ttlSeconds", 1.5),
      new JsonObject().put("sub", "u1").put("ttlSeconds", "300"),
      new JsonObject().put("sub", "u1").put("aud", new JsonArray()),
      new JsonObject().put("sub", "u1").put("aud", 5),
      new JsonObject().put("sub", "u1").put("roles", "admin"),
      new JsonObject().put("sub", "u1").put("scope", new JsonArray().add("a")),
      new JsonObject().put("sub", "u1").put("subject", "u1"),
      "{nope", "[1, 2]", "\"u7\"", "");
    for (Object body : bodies) {
      Buffer bytes = body instanceof JsonObject json ? json.toBuffer() : Buffer.buffer((String) body);
      Http.Reply reply = http.request(HttpMethod.POST, identity + "/token", bytes).await();
      assertThat(reply.status()).as("POST /token %s", body).isEqualTo(400);
      assertThat(reply.json().getString("error")).isEqualTo("bad_request");
      assertThat(reply.json().getString("message")).isNotBlank();
    }
    assertThat(http.post(identity + "/token", new JsonObject().put("sub", "u50").put("ttlSeconds", 1)).status())
      .isEqualTo(200);
    assertThat(http.post(identity + "/token", new JsonObject().put("sub", "u1").put("alg", "ES256")
      .put("ttlSeconds", TokenRequest.MAX_TTL_SECONDS)).status()).isEqualTo(200);
  }

  @Test
  void jwksPublishesPublicKeysOnly() {
    Http.Reply reply = http.get(identity + "/.well-known/jwks.json");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get("cache-control")).isEqualTo("max-age=60");
    assertThat(reply.headers().get("content-type")).isEqualTo("application/json");
    assertThat(reply.json().fieldNames()).containsExactly("keys");
    JsonArray keys = reply.json().getJsonArray("keys");
    assertThat(keys).hasSize(2);
    for (Object item : keys) {
      JsonObject key = (JsonObject) item;
      assertThat(key.getString("use")).isEqualTo("sig");
      assertThat(key.getString("kid")).isNotBlank();
      if (key.getString("kty").equals("RSA")) {
        assertThat(key.getString("alg")).isEqualTo("RS256");
        assertThat(key.fieldNames()).containsExactlyInAnyOrder("kty", "kid", "alg", "use", "n", "e");
      } else {
        assertThat(key.getString("kty")).isEqualTo("EC");
        assertThat(key.getString("alg")).isEqualTo("ES256");
        assertThat(key.getString("crv")).isEqualTo("P-256");
        assertThat(key.fieldNames()).containsExactlyInAnyOrder("kty", "kid", "alg", "use", "crv", "x", "y");
      }
      assertThat(key.fieldNames()).doesNotContain("d", "p", "q", "dp", "dq", "qi", "oth", "k");
    }
  }

  private String token(JsonObject request) {
    Http.Reply reply = http.post(identity + "/token", request);
    assertThat(reply.status()).as("POST /token %s: %s", request, reply.body()).isEqualTo(200);
    return reply.json().getString("access_token");
  }

  private JWKSet jwks() throws Exception {
    return JWKSet.parse(http.get(identity + "/.well-known/jwks.json").body().toString());
  }

  /** The parsed token, after checking its signature with the key of its {@code kid} in {@code jwks}. */
  static SignedJWT verified(String token, JWKSet jwks) throws Exception {
    SignedJWT jwt = SignedJWT.parse(token);
    JWK key = jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
    assertThat(key).as("the JWKS has the token's kid %s", jwt.getHeader().getKeyID()).isNotNull();
    assertThat(key.isPrivate()).isFalse();
    JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
    assertThat(jwt.verify(verifier)).as("signature of a token with kid %s", key.getKeyID()).isTrue();
    return jwt;
  }

  private static long seconds(Date date) {
    return date.getTime() / 1000;
  }
}
