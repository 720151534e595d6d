package dev.bff.partner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.common.testing.TestCerts;
import dev.bff.common.testing.HttpsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpVersion;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bff-partner's built-in configuration: every path needs the demo API key or a partner certificate
 * on the mutual-TLS listener (with the demo certificates it ships, and with a CA a test made).
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class PartnerSecurityTest {
  /** The demo keys README.md gives (their digests are in bff-partner.yaml). */
  static final String ACME_KEY = "bffdemo_acme_4f9c2e7a1b";
  static final String GLOBEX_KEY = "bffdemo_globex_8d3b6a0f5e";
  static final String REVOKED_KEY = "bffdemo_revoked_2c71d0e9";
  static final Path DEMO_CERTS = Path.of("..", "deploy", "demo-certs");
  static final String[] PATHS = {"/partner/v1/products?page=1&size=2", "/partner/v1/products/1",
      "/partner/v1/products/1/stock"};

  DemoStack demo;
  BffUnderTest builtIn;
  Vertx vertx;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    demo = DemoStack.start(vertx);
    builtIn = BuiltInBff.start(vertx, new PartnerBff(), demo.vars());
  }

  @AfterAll
  void stop() {
    builtIn.close();
    demo.close();
  }

  private static String demo(String file) {
    return DEMO_CERTS.resolve(file).toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/partner/v1/products?page=1&size=2", "/partner/v1/products/1", "/partner/v1/products/1/stock"})
  void everyPathNeedsAPartnerCredential(String path) {
    var none = builtIn.get(path);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().getString("detail")).isEqualTo("an API key in X-Api-Key or a client certificate is required");
    assertThat(builtIn.get(path, Map.of("X-Api-Key", ACME_KEY)).status()).isEqualTo(200);
    assertThat(builtIn.get(path, Map.of("X-Api-Key", GLOBEX_KEY)).status()).isEqualTo(200);
    assertThat(builtIn.get(path, Map.of("X-Api-Key", REVOKED_KEY)).status()).isEqualTo(401);
    assertThat(builtIn.get(path, Map.of("X-Api-Key", "bffdemo_guess_00000000")).status()).isEqualTo(401);
  }

  @Test
  void answersAreCachedPerPartnerNeverShared() {
    String path = "/partner/v1/products/3";
    assertThat(builtIn.get(path, Map.of("X-Api-Key", ACME_KEY)).header("x-cache")).isEqualTo("MISS");
    assertThat(builtIn.get(path, Map.of("X-Api-Key", ACME_KEY)).header("x-cache")).isEqualTo("HIT");
    assertThat(builtIn.get(path, Map.of("X-Api-Key", GLOBEX_KEY)).header("x-cache")).as("another partner")
        .isEqualTo("MISS");
    assertThat(builtIn.get(path).status()).as("and no credential gets nothing from the cache").isEqualTo(401);
  }

  @Test
  void theDemoPartnerCertificateOpensTheMutualTlsListenerWithH2() throws Exception {
    int port = builtIn.running().mtlsPort();
    assertThat(port).isPositive();
    for (String path : PATHS) {
      var a = HttpsClient.get(vertx, port, demo("demo-ca.pem"), demo("partner-acme.pem"), demo("partner-acme-key.pem"),
          path, Map.of());
      assertThat(a.status()).as(path).isEqualTo(200);
    }
    var h2 = HttpsClient.get(vertx, port, demo("demo-ca.pem"), demo("partner-globex.pem"),
        demo("partner-globex-key.pem"), PATHS[1], Map.of());
    assertThat(h2.status()).isEqualTo(200);
    assertThat(h2.json().getString("name")).isNotBlank();
    assertThat(h2.version()).as("h2 negotiated by ALPN").isEqualTo(HttpVersion.HTTP_2);
  }

  @Test
  void theMutualTlsListenerRefusesAConnectionWithoutACertificate() {
    int port = builtIn.running().mtlsPort();
    assertThatThrownBy(() -> HttpsClient.get(vertx, port, demo("demo-ca.pem"), null, null, PATHS[1],
        Map.of("X-Api-Key", ACME_KEY))).as("not even an API key helps without a certificate there")
        .isInstanceOf(ExecutionException.class);
  }

  @Test
  void withItsOwnCaTheListenerRefusesOtherCasAndExpiredCertificates(@TempDir Path dir) throws Exception {
    TestCerts certs = new TestCerts(dir);
    TestCerts.Issued serverCa = certs.ca("server-ca");
    TestCerts.Issued partnersCa = certs.ca("partners-ca");
    TestCerts.Issued server = certs.server("server", serverCa);
    Map<String, String> vars = new HashMap<>(demo.vars());
    vars.put("PARTNER_TLS_CERT", server.certFile());
    vars.put("PARTNER_TLS_KEY", server.keyFile());
    vars.put("PARTNER_CLIENT_CA", partnersCa.certFile());
    BffUnderTest own = BuiltInBff.start(vertx, new PartnerBff(), vars);
    try {
      int port = own.running().mtlsPort();
      TestCerts.Issued acme = certs.client("acme", "CN=acme,O=Acme", partnersCa);
      var ok = HttpsClient.get(vertx, port, serverCa.certFile(), acme, PATHS[1], Map.of());
      assertThat(ok.status()).isEqualTo(200);
      TestCerts.Issued rogue = certs.client("rogue", "CN=acme,O=Acme", certs.ca("rogue-ca"));
      assertThatThrownBy(() -> HttpsClient.get(vertx, port, serverCa.certFile(), rogue, PATHS[1], Map.of()))
          .as("a certificate from another CA").isInstanceOf(ExecutionException.class);
      TestCerts.Issued expired = certs.expiredClient("expired", "CN=acme,O=Acme", partnersCa);
      assertThatThrownBy(() -> HttpsClient.get(vertx, port, serverCa.certFile(), expired, PATHS[1], Map.of()))
          .as("an expired certificate").isInstanceOf(ExecutionException.class);
      TestCerts.Issued stranger = certs.client("stranger", "CN=initech", partnersCa);
      var s = HttpsClient.get(vertx, port, serverCa.certFile(), stranger, PATHS[1], Map.of());
      assertThat(s.status()).as("any partner the CA vouches for; on the default plan").isEqualTo(200);
    } finally {
      own.close();
    }
  }
}
