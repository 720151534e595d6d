package dev.bff.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** Partners call with API keys the gateway knows only by their SHA-256; keys never reach a log or a service. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class ApiKeyAuthTest {
  static final String ACME_KEY = "ak_live_acme_5f1d2c7e9b8a4f60a3e1";
  static final String GLOBEX_KEY = "ak_live_globex_77aa01bc3d9e42f1";
  static final String REVOKED_KEY = "ak_live_acme_old_0b6f3a9c2d71e5";

  /** Every log event of every logger, at every level the test enables. */
  static final class AllLogs extends AppenderBase<ILoggingEvent> {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent e) {
      lines.add(e.getLoggerName() + " " + e.getFormattedMessage() + " " + e.getMDCPropertyMap()
          + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()));
    }
  }

  final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  final Logger bffLogs = (Logger) LoggerFactory.getLogger("dev.bff");
  final AllLogs logs = new AllLogs();
  FakeUpstream svc;
  BffUnderTest bff;

  static String sha256(String key) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    logs.start();
    root.addAppender(logs);
    bffLogs.setLevel(Level.DEBUG);
    svc = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1 }
        auth:
          default: api-key
          api-keys:
            keys:
              - { id: acme-2026, sha256: "%s", partner: acme, plan: premium }
              - { id: globex-1, sha256: "sha256:%s", partner: globex }
              - { id: acme-2025, sha256: "%s", partner: acme, plan: premium, revoked: true }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/partner/**", upstream: svc }
          - { path: "/acme-only/**", upstream: svc, auth: { clients: [acme] } }
          - { path: "/status", upstream: svc, auth: public }
        """.formatted(sha256(ACME_KEY), sha256(GLOBEX_KEY).toUpperCase(), sha256(REVOKED_KEY)),
        Map.of("SVC", svc.url()));
  }

  @AfterEach
  void stop() {
    root.detachAppender(logs);
    bffLogs.setLevel(null);
    bff.close();
    svc.close();
  }

  @Test
  void aMissingKeyIs401WithAChallengeAndTheServiceSeesNothing() {
    var r = bff.get("/partner/products");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).isEqualTo("an API key in X-Api-Key is required");
    assertThat(r.header("www-authenticate")).isEqualTo("ApiKey realm=\"bff\", header=\"X-Api-Key\"");
    assertThat(svc.count()).isZero();
  }

  @Test
  void unknownRevokedAndMalformedKeysAre401() {
    var unknown = bff.get("/partner/products", Map.of("X-Api-Key", "ak_live_guess_0000000000000000"));
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.json().getString("detail")).isEqualTo("the API key is not known");
    var almost = bff.get("/partner/products", Map.of("X-Api-Key", ACME_KEY + "x"));
    assertThat(almost.status()).isEqualTo(401);
    var revoked = bff.get("/partner/products", Map.of("X-Api-Key", REVOKED_KEY));
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.json().getString("detail")).isEqualTo("the API key 'acme-2025' has been revoked");
    assertThat(revoked.header("www-authenticate")).startsWith("ApiKey");
    var huge = bff.get("/partner/products", Map.of("X-Api-Key", "k".repeat(2000)));
    assertThat(huge.status()).isEqualTo(401);
    assertThat(huge.json().getString("detail")).isEqualTo("the API key is malformed");
    assertThat(svc.count()).isZero();
  }

  @Test
  void aValidKeyPassesAsItsPartnerAndPlanAndTheKeyItselfStaysAtTheGateway() {
    var r = bff.get("/partner/products?page=1", Map.of("X-Api-Key", ACME_KEY, "X-Partner-Id", "globex",
        "X-Partner-Plan", "enterprise"));
    assertThat(r.status()).isEqualTo(200);
    FakeUpstream.Seen seen = svc.seen().get(0);
    assertThat(seen.headers().getAll("X-Partner-Id")).as("the client's copy is replaced").containsExactly("acme");
    assertThat(seen.headers().getAll("X-Partner-Plan")).containsExactly("premium");
    assertThat(seen.headers().get("X-Api-Key")).as("services never see the key").isNull();
    var globex = bff.get("/partner/products", Map.of("X-Api-Key", GLOBEX_KEY));
    assertThat(globex.status()).as("an upper-case hash in the config works too").isEqualTo(200);
    assertThat(svc.seen().get(1).headers().get("X-Partner-Plan")).as("no plan: default").isEqualTo("default");
  }

  @Test
  void aRouteCanBeLimitedToSomePartners() {
    assertThat(bff.get("/acme-only/report", Map.of("X-Api-Key", ACME_KEY)).status()).isEqualTo(200);
    var other = bff.get("/acme-only/report", Map.of("X-Api-Key", GLOBEX_KEY));
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.json().getString("detail")).isEqualTo("this client may not call it");
    assertThat(svc.count()).isEqualTo(1);
  }

  @Test
  void publicRoutesNeedNoKeyAndSpoofedPartnerHeadersAreRemovedThereToo() {
    var r = bff.get("/status", Map.of("X-Partner-Id", "acme"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(svc.seen().get(0).headers().get("X-Partner-Id")).isNull();
  }

  @Test
  void noKeyEverAppearsInTheLogs() {
    bff.get("/partner/a", Map.of("X-Api-Key", ACME_KEY));
    bff.get("/partner/b", Map.of("X-Api-Key", REVOKED_KEY));
    bff.get("/partner/c", Map.of("X-Api-Key", "ak_live_guess_1111111111111111"));
    bff.get("/acme-only/d", Map.of("X-Api-Key", GLOBEX_KEY));
    assertThat(logs.lines).as("the requests were logged").anyMatch(l -> l.contains("/partner/b"));
    for (String line : logs.lines) {
      assertThat(line).doesNotContain(ACME_KEY, REVOKED_KEY, GLOBEX_KEY, "ak_live_guess");
    }
  }
}
