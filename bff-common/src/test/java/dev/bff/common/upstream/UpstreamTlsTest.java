package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.routing.Problem;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestCerts;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS to an upstream: the CA it trusts, the client certificate it presents, the name it verifies. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UpstreamTlsTest {
  @TempDir
  Path dir;
  TestCerts certs;
  TestCerts.Issued upstreamCa;
  TestCerts.Issued gatewayCa;
  TestCerts.Issued gatewayCert;
  HttpServer upstream;
  BffUnderTest bff;
  /** What the upstream saw: path, the client certificate's serial (hex), SNI and Host. */
  final List<JsonObject> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    certs = new TestCerts(dir);
    upstreamCa = certs.ca("upstream-ca");
    TestCerts.Issued upstreamCert = certs.server("upstream", upstreamCa);
    gatewayCa = certs.ca("gateway-clients");
    gatewayCert = certs.client("gateway", "CN=bff-gateway,O=BFF tests", gatewayCa);
    upstream = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setSni(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(upstreamCert.certFile())
            .setKeyPath(upstreamCert.keyFile()))
        .setTrustOptions(new PemTrustOptions().addCertPath(gatewayCa.certFile()))
        .setClientAuth(ClientAuth.REQUIRED));
    upstream.requestHandler(this::answer).listen(0, "127.0.0.1").await();
  }

  private void answer(HttpServerRequest req) {
    JsonObject saw = new JsonObject().put("path", req.path()).put("sni", req.connection().indicatedServerName())
        .put("host", req.getHeader("host"));
    try {
      List<Certificate> peer = req.connection().peerCertificates();
      saw.put("clientSerial", ((X509Certificate) peer.get(0)).getSerialNumber().toString(16));
    } catch (Exception e) {
      saw.put("clientSerial", (String) null);
    }
    seen.add(saw);
    req.response().putHeader("content-type", "application/json").end(saw.encode());
  }

  @AfterEach
  void stop() {
    if (bff != null) {
      bff.close();
    }
    upstream.close().await();
  }

  private BffUnderTest gateway(Vertx vertx, String tls, String extra) {
    bff = BffUnderTest.start(vertx, """
        upstreams:
          secure:
            instances: ["https://127.0.0.1:%d"]
            retry: { attempts: 0 }
            outlier: { consecutive-failures: 0 }
            tls: { %s }
            %s
        routes:
          - { path: "/api/**", upstream: secure, strip-prefix: /api }
        endpoints:
          page:
            path: /page
            parts:
              data: { upstream: secure, path: /data, required: true }
        """.formatted(upstream.actualPort(), tls, extra), Map.of());
    return bff;
  }

  private String trustAndPresent() {
    return "ca: \"" + upstreamCa.certFile() + "\", cert: \"" + gatewayCert.certFile() + "\", key: \""
        + gatewayCert.keyFile() + "\"";
  }

  private String serial() {
    return gatewayCert.cert().getSerialNumber().toString(16);
  }

  @Test
  void routesAndEndpointsPresentTheClientCertificate(Vertx vertx) {
    gateway(vertx, trustAndPresent(), "");
    BffUnderTest.Response r = bff.get("/api/items/1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("clientSerial")).as("the certificate the upstream verified").isEqualTo(serial());
    BffUnderTest.Response page = bff.get("/page");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.json().getJsonObject("data").getString("clientSerial")).isEqualTo(serial());
    assertThat(seen).extracting(s -> s.getString("path")).containsExactly("/items/1", "/data");
  }

  @Test
  void withoutAClientCertificateTheRouteAnswers502(Vertx vertx) {
    gateway(vertx, "ca: \"" + upstreamCa.certFile() + "\"", "");
    BffUnderTest.Response r = bff.get("/api/items/1");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.header("content-type")).isEqualTo(Problem.MEDIA_TYPE);
    assertThat(bff.get("/page").status()).isEqualTo(502);
    assertThat(seen).isEmpty();
  }

  @Test
  void trustingAnotherCaAnswers502(Vertx vertx) {
    TestCerts.Issued other = certs.ca("other-ca");
    gateway(vertx, "ca: \"" + other.certFile() + "\", cert: \"" + gatewayCert.certFile() + "\", key: \""
        + gatewayCert.keyFile() + "\"", "");
    BffUnderTest.Response r = bff.get("/api/items/1");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.header("content-type")).isEqualTo(Problem.MEDIA_TYPE);
    assertThat(seen).isEmpty();
  }

  @Test
  void healthChecksPresentTheSameCertificate(Vertx vertx) {
    gateway(vertx, trustAndPresent(), "health-check: { path: /health, interval: 200ms }");
    Poll.until("a health check to reach the upstream", Duration.ofSeconds(30),
        () -> seen.stream().anyMatch(s -> s.getString("path").equals("/health")));
    assertThat(seen).filteredOn(s -> s.getString("path").equals("/health"))
        .allSatisfy(s -> assertThat(s.getString("clientSerial")).isEqualTo(serial()));
    assertThat(bff.get("/api/x").status()).as("the instance stays healthy").isEqualTo(200);
  }

  @Test
  void serverNameIsSentAsSniAndVerifiedWhileHostStaysTheInstances(Vertx vertx) {
    gateway(vertx, trustAndPresent() + ", server-name: localhost", "");
    BffUnderTest.Response r = bff.get("/api/x");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("sni")).isEqualTo("localhost");
    assertThat(r.json().getString("host")).isEqualTo("127.0.0.1:" + upstream.actualPort());
    assertThat(bff.get("/page").json().getJsonObject("data").getString("sni")).isEqualTo("localhost");
  }

  @Test
  void aServerNameTheCertificateDoesNotCarryFailsUnlessHostsAreNotVerified(Vertx vertx) {
    gateway(vertx, trustAndPresent() + ", server-name: catalog.internal", "");
    assertThat(bff.get("/api/x").status()).isEqualTo(502);
    assertThat(seen).isEmpty();
    bff.close();
    gateway(vertx, trustAndPresent() + ", server-name: catalog.internal, verify-host: false", "");
    BffUnderTest.Response r = bff.get("/api/x");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("sni")).isEqualTo("catalog.internal");
  }
}
