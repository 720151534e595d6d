package dev.bff.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** API keys kept in Redis (as digests): added and revoked without a restart, and Redis going away. */
@ExtendWith(VertxExtension.class)
@Timeout(90)
class RedisApiKeyTest {
  static final String CONFIGURED = "ak_cfg_3b1f0c9e2a7d";
  static final String ACME = "ak_redis_acme_7e4d21c0b9";
  static final String INITECH = "ak_redis_initech_55aa90";
  static final Duration WAIT = Duration.ofSeconds(15);

  TestRedis redis;
  FakeUpstream svc;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    redis = TestRedis.start();
    svc = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1 }
        redis: { url: "${REDIS}", timeout: 300ms }
        auth:
          default: api-key
          api-keys:
            keys: [ { id: cfg-1, sha256: "%s", partner: configured } ]
            redis: { prefix: "test:key:", refresh: 200ms, max-stale: 1m }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/partner/**", upstream: svc }
        """.formatted(ApiKeyAuthTest.sha256(CONFIGURED)), Map.of("SVC", svc.url(), "REDIS", redis.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
    redis.close();
  }

  private int call(String key) {
    return bff.get("/partner/x", Map.of("X-Api-Key", key)).status();
  }

  private void store(String key, String... fields) throws Exception {
    String[] args = new String[2 + fields.length];
    args[0] = "HSET";
    args[1] = "test:key:" + ApiKeyAuthTest.sha256(key);
    System.arraycopy(fields, 0, args, 2, fields.length);
    redis.run(args);
  }

  @Test
  void aKeyStoredInRedisAuthenticatesAsItsPartnerAndAnUnknownOneIs401() throws Exception {
    store(ACME, "partner", "acme", "plan", "premium", "id", "acme-r1");
    var r = bff.get("/partner/products", Map.of("X-Api-Key", ACME));
    assertThat(r.status()).isEqualTo(200);
    assertThat(svc.seen().get(0).headers().get("X-Partner-Id")).isEqualTo("acme");
    assertThat(svc.seen().get(0).headers().get("X-Partner-Plan")).isEqualTo("premium");
    var unknown = bff.get("/partner/products", Map.of("X-Api-Key", "ak_redis_nobody_000000"));
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.json().getString("detail")).isEqualTo("the API key is not known");
    assertThat(call(CONFIGURED)).as("configured keys still work").isEqualTo(200);
    assertThat(redis.run("KEYS", "*")).as("only digests are stored").doesNotContain(ACME);
  }

  @Test
  void keysAreAddedAndRevokedWithoutARestart() throws Exception {
    assertThat(call(INITECH)).isEqualTo(401);
    store(INITECH, "partner", "initech");
    Poll.until("the new key is seen", WAIT, () -> call(INITECH) == 200);
    store(INITECH, "revoked", "true");
    Poll.until("the revocation is seen", WAIT, () -> call(INITECH) == 401);
    var r = bff.get("/partner/x", Map.of("X-Api-Key", INITECH));
    assertThat(r.json().getString("detail")).contains("has been revoked");
  }

  @Test
  void whileRedisIsDownRememberedKeysWorkAndUnseenOnesAre503NotAPass() throws Exception {
    store(ACME, "partner", "acme");
    assertThat(call(ACME)).isEqualTo(200);
    redis.stop();
    for (int i = 0; i < 5; i++) { // across several refresh intervals: the remembered answer stays
      assertThat(call(ACME)).isEqualTo(200);
      Thread.sleep(150);
    }
    var unseen = bff.get("/partner/x", Map.of("X-Api-Key", INITECH));
    assertThat(unseen.status()).isEqualTo(503);
    assertThat(unseen.header("retry-after")).isNotNull();
    assertThat(unseen.json().getString("detail")).contains("key store is unreachable");
    assertThat(call(CONFIGURED)).as("configured keys need no Redis").isEqualTo(200);
    int before = svc.count();
    redis.restart(); // back, and empty
    store(INITECH, "partner", "initech");
    Poll.until("keys are looked up again", WAIT, () -> call(INITECH) == 200);
    Poll.until("acme's key, gone with the restart, is refused after a refresh", WAIT, () -> call(ACME) == 401);
    assertThat(svc.count()).isGreaterThan(before);
  }
}
