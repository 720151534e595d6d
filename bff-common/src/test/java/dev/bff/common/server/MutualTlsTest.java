package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.PinnedClient;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestCerts;
import dev.bff.common.testing.TestClient;
import dev.bff.common.testing.TlsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The mTLS listener: only clients with a valid certificate from the client CA reach the routes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MutualTlsTest {
  private static final String ROUTES = """
      upstreams:
        svc: { instances: ["${SVC}"] }
      routes:
        - { path: "/api/**", upstream: svc, strip-prefix: /api }
      """;

  @TempDir
  Path dir;
  TestCerts.Issued serverCa;
  TestCerts.Issued server;
  TestCerts.Issued clientCa;
  TestCerts.Issued partner;
  TestCerts.Issued stranger;
  TestCerts.Issued expired;
  FakeUpstream up;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    TestCerts certs = new TestCerts(dir);
    serverCa = certs.ca("server-ca");
    server = certs.server("server", serverCa);
    clientCa = certs.ca("client-ca");
    partner = certs.client("partner", "CN=partner,O=Acme", clientCa);
    stranger = certs.client("stranger", "CN=partner,O=Acme", certs.ca("other-ca"));
    expired = certs.expiredClient("expired", "CN=partner,O=Acme", clientCa);
    up = FakeUpstream.start(vertx, "svc");
  }

  @AfterEach
  void stop() {
    if (bff != null) {
      bff.close();
    }
    up.close();
  }

  /** A gateway whose main listener is plain HTTP and whose mTLS listener has its own certificate. */
  private BffUnderTest gateway(Vertx vertx, int instances) {
    bff = BffUnderTest.start(vertx, """
        server:
          port: 0
          admin-port: 0
          instances: %d
          mtls: { port: 0, cert: "%s", key: "%s", client-ca: "%s" }
        """.formatted(instances, server.certFile(), server.keyFile(), clientCa.certFile()) + ROUTES,
        Map.of("SVC", up.url()));
    return bff;
  }

  private TlsClient client() {
    return TlsClient.trusting(serverCa);
  }

  @Test
  void aValidCertificateReachesTheRoutesWhileThePlainListenerServesWithout(Vertx vertx) throws Exception {
    gateway(vertx, 1);
    assertThat(bff.mtlsPort()).isPositive().isNotEqualTo(bff.port());
    try (TlsClient.Connection c = client().withCertificate(partner).connect(bff.mtlsPort())) {
      assertThat(c.handshake().askedFrom()).containsExactly(clientCa.cert().getSubjectX500Principal().getName());
      assertThat(c.handshake().server().getSerialNumber()).isEqualTo(server.cert().getSerialNumber());
      BffUnderTest.Response r = c.get("/api/partner/1");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().getJsonObject("headers").getString("x-forwarded-proto")).isEqualTo("https");
    }
    assertThat(bff.get("/api/plain").status()).as("the main listener, plain HTTP, no certificate").isEqualTo(200);
    assertThat(up.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/partner/1", "/plain");
  }

  @Test
  void withoutACertificateNothingReachesTheUpstream(Vertx vertx) {
    gateway(vertx, 1);
    assertThatThrownBy(() -> client().get(bff.mtlsPort(), "/api/anonymous")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> client().offering("TLSv1.2").handshake(bff.mtlsPort()))
        .as("with TLS 1.2 the handshake itself fails (an alert, or the closed socket)").isInstanceOf(IOException.class);
    assertThat(up.count()).isZero();
  }

  @Test
  void aCertificateFromAnotherCaIsRefused(Vertx vertx) {
    gateway(vertx, 1);
    assertThatThrownBy(() -> client().withCertificate(stranger).get(bff.mtlsPort(), "/api/stranger"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> client().withCertificate(stranger).offering("TLSv1.2").handshake(bff.mtlsPort()))
        .isInstanceOf(IOException.class);
    assertThat(up.count()).isZero();
  }

  @Test
  void anExpiredCertificateIsRefused(Vertx vertx) {
    gateway(vertx, 1);
    assertThatThrownBy(() -> client().withCertificate(expired).get(bff.mtlsPort(), "/api/expired"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> client().withCertificate(expired).offering("TLSv1.2").handshake(bff.mtlsPort()))
        .isInstanceOf(IOException.class);
    assertThat(up.count()).isZero();
  }

  @Test
  void http2IsNegotiatedByAlpn(Vertx vertx) throws Exception {
    gateway(vertx, 1);
    assertThat(client().withCertificate(partner).alpn("h2", "http/1.1").handshake(bff.mtlsPort()).alpn())
        .isEqualTo("h2");
    PinnedClient c = PinnedClient.create(vertx, new HttpClientOptions().setSsl(true).setUseAlpn(true)
        .setProtocolVersion(HttpVersion.HTTP_2).setTrustOptions(new PemTrustOptions().addCertPath(serverCa.certFile()))
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(partner.certFile()).setKeyPath(partner.keyFile())));
    try {
      HttpVersion version = c.call(h -> h.request(HttpMethod.GET, bff.mtlsPort(), "localhost", "/api/h2")
          .compose(HttpClientRequest::send).compose(r -> r.body().map(b -> r.version()))).await();
      assertThat(version).isEqualTo(HttpVersion.HTTP_2);
      assertThat(up.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/h2");
    } finally {
      c.close();
    }
  }

  @Test
  void itSharesTheMainListenersCertificateAndProtocolsByDefault(Vertx vertx) throws Exception {
    bff = BffUnderTest.start(vertx, """
        server:
          port: 0
          admin-port: 0
          instances: 1
          tls: { cert: "%s", key: "%s", protocols: [TLSv1.3] }
          mtls: { port: 0, client-ca: "%s" }
        """.formatted(server.certFile(), server.keyFile(), clientCa.certFile()) + ROUTES, Map.of("SVC", up.url()));
    TlsClient.Handshake main = client().handshake(bff.port());
    assertThat(main.askedFrom()).as("the main listener asks for no certificate").isNull();
    TlsClient.Handshake mtls = client().withCertificate(partner).handshake(bff.mtlsPort());
    assertThat(mtls.server().getSerialNumber()).isEqualTo(server.cert().getSerialNumber());
    assertThat(mtls.protocol()).isEqualTo("TLSv1.3");
    assertThatThrownBy(() -> client().withCertificate(partner).offering("TLSv1.2").handshake(bff.mtlsPort()))
        .isInstanceOf(SSLException.class);
    assertThat(client().withCertificate(partner).get(bff.mtlsPort(), "/api/x").status()).isEqualTo(200);
  }

  @Test
  void everyEventLoopServesTheOneMtlsPortAndShutdownDrainsIt(Vertx vertx) throws Exception {
    gateway(vertx, 3);
    Set<Integer> ports = bff.running().gateway().servers().stream().map(HttpServer::actualPort)
        .collect(Collectors.toSet());
    assertThat(bff.running().gateway().servers()).hasSize(6);
    assertThat(ports).containsExactlyInAnyOrder(bff.port(), bff.mtlsPort());
    up.handler(req -> vertx.setTimer(500, t -> req.response().end("slow")));
    CompletableFuture<Integer> inFlight = CompletableFuture.supplyAsync(() -> {
      try {
        return client().withCertificate(partner).get(bff.mtlsPort(), "/api/slow").status();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    Poll.until("the request to reach the upstream", Duration.ofSeconds(30), () -> up.count() == 1);
    int mtlsPort = bff.mtlsPort();
    TestClient.await(bff.running().shutdown(), "the shutdown");
    assertThat(inFlight.get(30, TimeUnit.SECONDS)).as("the request in flight when the shutdown began")
        .isEqualTo(200);
    assertThatThrownBy(() -> new Socket("127.0.0.1", mtlsPort).close()).isInstanceOf(ConnectException.class);
  }
}
