package dev.bff.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.TestCerts;
import dev.bff.common.testing.HttpsClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client certificates as credentials: the TLS listener verifies them against the partners' CA, the
 * gateway turns the configured part of the certificate into the partner (and its plan), and routes
 * may accept a certificate or an API key.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class ClientCertAuthTest {
  static final String KEY = "ak_live_globex_91c0ffee5eed";

  @TempDir
  Path dir;
  Vertx vertx;
  TestCerts certs;
  TestCerts.Issued serverCa;
  TestCerts.Issued partnersCa;
  FakeUpstream svc;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    certs = new TestCerts(dir);
    serverCa = certs.ca("server-ca");
    partnersCa = certs.ca("partners-ca");
    svc = FakeUpstream.start(vertx, "svc");
  }

  @AfterEach
  void stop() {
    if (bff != null) {
      bff.close();
    }
    svc.close();
  }

  private void gateway(String clientCert) throws Exception {
    TestCerts.Issued server = certs.server("server", serverCa);
    bff = BffUnderTest.start(vertx, """
        server:
          port: 0
          admin-port: 0
          instances: 1
          tls: { cert: "%s", key: "%s", client-auth: request, client-ca: "%s" }
        auth:
          default: [api-key, client-cert]
          api-keys:
            keys: [ { id: globex-1, sha256: "%s", partner: globex, plan: basic } ]
          client-cert: %s
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/partner/**", upstream: svc }
          - { path: "/acme-only/**", upstream: svc, auth: { clients: [acme] } }
          - { path: "/keys-only/**", upstream: svc, auth: api-key }
        """.formatted(server.certFile(), server.keyFile(), partnersCa.certFile(), ApiKeyAuthTest.sha256(KEY),
        clientCert), Map.of("SVC", svc.url()));
  }

  private HttpsClient.Answer get(TestCerts.Issued cert, String path, Map<String, String> headers) throws Exception {
    return HttpsClient.get(vertx, bff.port(), serverCa.certFile(), cert, path, headers);
  }

  @Test
  void aPartnerCertificateIsTheCredentialAndNamesThePartnerAndPlan() throws Exception {
    gateway("{ identity: cn, partners: { acme: { partner: acme, plan: premium } } }");
    TestCerts.Issued acme = certs.client("acme", "CN=acme,O=Acme Corp", partnersCa, "dns:api.acme.test");
    HttpsClient.Answer a = get(acme, "/partner/products", Map.of("X-Partner-Id", "globex"));
    assertThat(a.status()).isEqualTo(200);
    FakeUpstream.Seen seen = svc.seen().get(0);
    assertThat(seen.headers().getAll("X-Partner-Id")).as("the spoofed copy is replaced").containsExactly("acme");
    assertThat(seen.headers().get("X-Partner-Plan")).isEqualTo("premium");
    assertThat(get(acme, "/acme-only/report", Map.of()).status()).as("authorised by identity").isEqualTo(200);
    assertThat(get(acme, "/keys-only/x", Map.of()).status()).as("this route takes only keys").isEqualTo(401);
  }

  @Test
  void anUnlistedIdentityIsItsOwnPartnerOnTheDefaultPlan() throws Exception {
    gateway("{ identity: cn, default-plan: basic, partners: { acme: { plan: premium } } }");
    TestCerts.Issued initech = certs.client("initech", "CN=initech,O=Initech", partnersCa);
    assertThat(get(initech, "/partner/x", Map.of()).status()).isEqualTo(200);
    assertThat(svc.seen().get(0).headers().get("X-Partner-Id")).isEqualTo("initech");
    assertThat(svc.seen().get(0).headers().get("X-Partner-Plan")).isEqualTo("basic");
    HttpsClient.Answer denied = get(initech, "/acme-only/x", Map.of());
    assertThat(denied.status()).isEqualTo(403);
    assertThat(svc.count()).isEqualTo(1);
  }

  @Test
  void withoutACertificateAnApiKeyWorksAndWithNeitherIts401() throws Exception {
    gateway("{ identity: cn }");
    HttpsClient.Answer key = get(null, "/partner/x", Map.of("X-Api-Key", KEY));
    assertThat(key.status()).isEqualTo(200);
    assertThat(svc.seen().get(0).headers().get("X-Partner-Id")).isEqualTo("globex");
    HttpsClient.Answer none = get(null, "/partner/x", Map.of());
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().getString("detail")).isEqualTo("an API key in X-Api-Key or a client certificate is required");
    assertThat(svc.count()).isEqualTo(1);
  }

  @Test
  void theIdentityCanComeFromASanAndOnlyListedIdentitiesMayBeAllowed() throws Exception {
    gateway("{ identity: san-uri, only-listed: true, partners: { \"spiffe://partners.test/acme\": "
        + "{ partner: acme, plan: premium } }, headers: { partner: X-Partner-Id, identity: X-Client-Id } }");
    TestCerts.Issued acme = certs.client("acme", "CN=whatever", partnersCa, "dns:acme.test",
        "uri:spiffe://partners.test/acme");
    assertThat(get(acme, "/partner/x", Map.of()).status()).isEqualTo(200);
    assertThat(svc.seen().get(0).headers().get("X-Partner-Id")).isEqualTo("acme");
    assertThat(svc.seen().get(0).headers().get("X-Client-Id")).isEqualTo("spiffe://partners.test/acme");
    assertThat(svc.seen().get(0).headers().get("X-Partner-Plan")).as("not mapped to a header here").isNull();
    TestCerts.Issued stranger = certs.client("stranger", "CN=stranger", partnersCa, "uri:spiffe://partners.test/x");
    HttpsClient.Answer s = get(stranger, "/partner/x", Map.of());
    assertThat(s.status()).isEqualTo(403);
    assertThat(s.json().getString("detail")).isEqualTo("the client certificate's identity is not allowed");
    TestCerts.Issued noUri = certs.client("no-uri", "CN=acme", partnersCa, "dns:acme.test");
    HttpsClient.Answer n = get(noUri, "/partner/x", Map.of());
    assertThat(n.status()).isEqualTo(403);
    assertThat(n.json().getString("detail")).isEqualTo("the client certificate has no URI subject alternative name");
    assertThat(svc.count()).isEqualTo(1);
  }

  @Test
  void aCertificateIdentityIsARateLimitKey() throws Exception {
    TestCerts.Issued server = certs.server("server", serverCa);
    bff = BffUnderTest.start(vertx, """
        server:
          port: 0
          admin-port: 0
          instances: 1
          tls: { cert: "%s", key: "%s", client-auth: request, client-ca: "%s" }
        auth:
          default: client-cert
          client-cert: { identity: cn }
        rate-limits:
          default: [per-cert]
          policies:
            per-cert: { key: client-cert, rate: 1/h, burst: 2 }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/partner/**", upstream: svc }
        """.formatted(server.certFile(), server.keyFile(), partnersCa.certFile()), Map.of("SVC", svc.url()));
    TestCerts.Issued acme = certs.client("acme", "CN=acme,O=Acme Corp", partnersCa);
    TestCerts.Issued initech = certs.client("initech", "CN=initech,O=Initech", partnersCa);
    assertThat(get(acme, "/partner/x", Map.of()).status()).isEqualTo(200);
    HttpsClient.Answer second = get(acme, "/partner/x", Map.of());
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.headers().get("ratelimit")).startsWith("\"per-cert\";r=0;");
    assertThat(get(acme, "/partner/x", Map.of()).status()).as("acme's burst of 2 is spent").isEqualTo(429);
    assertThat(get(initech, "/partner/x", Map.of()).status()).as("another certificate, another bucket").isEqualTo(200);
    assertThat(svc.count()).isEqualTo(3);
  }

  @Test
  void aCertificateFromAnotherCaOrAnExpiredOneNeverAuthenticates() throws Exception {
    gateway("{ identity: cn }");
    TestCerts.Issued rogueCa = certs.ca("rogue-ca");
    TestCerts.Issued rogue = certs.client("rogue", "CN=acme", rogueCa);
    TestCerts.Issued expired = certs.expiredClient("expired", "CN=acme", partnersCa);
    for (TestCerts.Issued bad : new TestCerts.Issued[] {rogue, expired}) {
      HttpsClient.Answer a;
      try {
        a = get(bad, "/partner/x", Map.of());
      } catch (java.util.concurrent.ExecutionException e) {
        a = null; // the handshake was refused: as good as a 401
      }
      assertThat(a == null || a.status() == 401).as(bad.name() + " refused").isTrue();
    }
    assertThat(svc.count()).isZero();
  }
}
