package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bff.common.config.BffConfig;
import dev.bff.common.config.ConfigException;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.ChildGateway;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.LegacyTlsMain;
import dev.bff.common.testing.PinnedClient;
import dev.bff.common.testing.TestCerts;
import dev.bff.common.testing.TestClient;
import dev.bff.common.testing.TlsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The main listener over TLS: protocol versions, ALPN, client certificates on request, PEMs from the classpath. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsTest {
  private static final String OPENSSL = "/usr/bin/openssl";
  private static final String ROUTES = """
      upstreams:
        svc: { instances: ["${SVC}"] }
      routes:
        - { path: "/api/**", upstream: svc, strip-prefix: /api }
      """;

  @TempDir
  Path dir;
  TestCerts certs;
  TestCerts.Issued ca;
  TestCerts.Issued server;
  FakeUpstream up;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    certs = new TestCerts(dir);
    ca = certs.ca("server-ca");
    server = certs.server("server", ca);
    up = FakeUpstream.start(vertx, "svc");
  }

  @AfterEach
  void stop() {
    if (bff != null) {
      bff.close();
    }
    up.close();
  }

  private BffUnderTest gateway(Vertx vertx, String tls) {
    bff = BffUnderTest.start(vertx, "server: { port: 0, admin-port: 0, instances: 1, tls: { " + tls + " } }\n" + ROUTES,
        Map.of("SVC", up.url()));
    return bff;
  }

  private static String files(TestCerts.Issued i) {
    return "cert: \"" + i.certFile() + "\", key: \"" + i.keyFile() + "\"";
  }

  @Test
  void tls10And11AreRefusedEvenInAJvmThatWouldNegotiateThem() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(OPENSSL)),
        OPENSSL + " is missing: this test needs openssl s_client to offer TLS 1.0 and 1.1");
    TestCerts.Issued rsa = certs.rsaServer("rsa-server", ca);
    String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
    String legacyAllowed = Arrays.stream(disabled.split(",")).map(String::trim)
        .filter(t -> !t.equals("TLSv1") && !t.equals("TLSv1.1")).collect(Collectors.joining(", "));
    Path security = Files.writeString(dir.resolve("legacy-tls.security"),
        "jdk.tls.disabledAlgorithms=" + legacyAllowed + "\n");
    try (ChildGateway child = ChildGateway.start(LegacyTlsMain.class, """
        server: { host: 127.0.0.1, port: 0, admin-host: 127.0.0.1, admin-port: 0, instances: 1, tls: { %s } }
        """.formatted(files(rsa)), "-Xmx128m", "-Djava.security.properties=" + security,
        "-Dcontrol.cert=" + rsa.certFile(), "-Dcontrol.key=" + rsa.keyFile())) {
      Matcher m = Pattern.compile("control listening on :(\\d+)").matcher(child.output());
      assertThat(m.find()).as("the control's port in %s", child.output()).isTrue();
      int control = Integer.parseInt(m.group(1));
      assertThat(negotiated(control, "-tls1_1"))
          .as("the control: this JVM, told to, negotiates TLS 1.1 with this certificate").isEqualTo("TLSv1.1");
      assertThat(negotiated(control, "-tls1")).as("and TLS 1.0").isEqualTo("TLSv1");
      assertThat(negotiated(child.port(), "-tls1_1")).as("the gateway in the same JVM").isNull();
      assertThat(negotiated(child.port(), "-tls1")).isNull();
      assertThat(negotiated(child.port(), "-tls1_2")).isEqualTo("TLSv1.2");
      assertThat(negotiated(child.port(), "-tls1_3")).isEqualTo("TLSv1.3");
    }
  }

  /** The version openssl s_client negotiated with {@code 127.0.0.1:port}, or null when the handshake failed. */
  private static String negotiated(int port, String version) throws Exception {
    Process p = new ProcessBuilder(OPENSSL, "s_client", "-connect", "127.0.0.1:" + port, version,
        "-cipher", "DEFAULT:@SECLEVEL=0", "-servername", "localhost", "-brief")
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("openssl s_client did not finish within 30 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("Protocol version: (\\S+)").matcher(out);
    if (m.find()) {
      assertThat(out).contains("CONNECTION ESTABLISHED");
      return m.group(1);
    }
    assertThat(out).as("openssl output").doesNotContain("CONNECTION ESTABLISHED").containsIgnoringCase("alert");
    return null;
  }

  @Test
  void protocolsTls13OnlyRefusesATls12ClientThatTheDefaultAccepts(Vertx vertx) throws Exception {
    TlsClient tls12 = TlsClient.trusting(ca).offering("TLSv1.2");
    gateway(vertx, files(server));
    assertThat(tls12.handshake(bff.port()).protocol()).as("the default listener").isEqualTo("TLSv1.2");
    bff.close();
    gateway(vertx, files(server) + ", protocols: [TLSv1.3]");
    assertThatThrownBy(() -> tls12.handshake(bff.port())).isInstanceOf(SSLException.class);
    assertThat(TlsClient.trusting(ca).offering("TLSv1.3").handshake(bff.port()).protocol()).isEqualTo("TLSv1.3");
    assertThat(TlsClient.trusting(ca).get(bff.port(), "/api/x").status()).isEqualTo(200);
  }

  @Test
  void http2IsNegotiatedByAlpn(Vertx vertx) throws Exception {
    gateway(vertx, files(server));
    assertThat(TlsClient.trusting(ca).alpn("h2", "http/1.1").handshake(bff.port()).alpn()).isEqualTo("h2");
    PinnedClient c = PinnedClient.create(vertx, new HttpClientOptions().setSsl(true).setUseAlpn(true)
        .setProtocolVersion(HttpVersion.HTTP_2).setTrustOptions(new PemTrustOptions().addCertPath(ca.certFile())));
    try {
      HttpVersion version = c.call(h -> h.request(HttpMethod.GET, bff.port(), "localhost", "/api/items/1")
          .compose(HttpClientRequest::send).compose(r -> r.body().map(b -> r.version()))).await();
      assertThat(version).isEqualTo(HttpVersion.HTTP_2);
      assertThat(up.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/items/1");
    } finally {
      c.close();
    }
  }

  @Test
  void clientAuthRequestAsksForACertificateAndServesWithOrWithoutOne(Vertx vertx) throws Exception {
    TestCerts.Issued clientCa = certs.ca("client-ca");
    TestCerts.Issued partner = certs.client("partner", "CN=partner,O=Acme", clientCa);
    gateway(vertx, files(server) + ", client-auth: request, client-ca: \"" + clientCa.certFile() + "\"");
    TlsClient anonymous = TlsClient.trusting(ca);
    TlsClient.Handshake h = anonymous.handshake(bff.port());
    assertThat(h.askedFrom()).as("the server asked for a certificate from the client CA")
        .containsExactly(clientCa.cert().getSubjectX500Principal().getName());
    assertThat(anonymous.get(bff.port(), "/api/a").status()).isEqualTo(200);
    assertThat(anonymous.withCertificate(partner).get(bff.port(), "/api/b").status()).isEqualTo(200);
    assertThat(up.count()).isEqualTo(2);
    TestCerts.Issued stranger = certs.client("stranger", "CN=partner,O=Acme", certs.ca("other-ca"));
    assertThatThrownBy(() -> anonymous.withCertificate(stranger).get(bff.port(), "/api/c"))
        .as("a certificate that is given is verified, even when only requested").isInstanceOf(java.io.IOException.class);
    assertThat(up.count()).isEqualTo(2);
  }

  @Test
  void withoutClientAuthNoCertificateIsAskedFor(Vertx vertx) throws Exception {
    gateway(vertx, files(server));
    assertThat(TlsClient.trusting(ca).handshake(bff.port()).askedFrom()).isNull();
  }

  @Test
  void clientAuthRequiredRefusesClientsWithoutACertificate(Vertx vertx) throws Exception {
    TestCerts.Issued clientCa = certs.ca("client-ca");
    TestCerts.Issued partner = certs.client("partner", "CN=partner,O=Acme", clientCa);
    gateway(vertx, files(server) + ", client-auth: required, client-ca: \"" + clientCa.certFile() + "\"");
    assertThatThrownBy(() -> TlsClient.trusting(ca).get(bff.port(), "/api/a")).isInstanceOf(java.io.IOException.class);
    assertThat(up.count()).isZero();
    assertThat(TlsClient.trusting(ca).withCertificate(partner).get(bff.port(), "/api/b").status()).isEqualTo(200);
    assertThat(up.count()).isEqualTo(1);
  }

  @Test
  void certificateAndKeyCanComeFromTheClasspath(Vertx vertx) throws Exception {
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader resources = new URLClassLoader(new URL[] {dir.toUri().toURL()}, before)) {
      Thread.currentThread().setContextClassLoader(resources);
      gateway(vertx, "cert: classpath:server.pem, key: \"classpath:/server-key.pem\"");
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
    assertThat(TlsClient.trusting(ca).handshake(bff.port()).server().getSerialNumber())
        .isEqualTo(server.cert().getSerialNumber());
  }

  @Test
  void aKeyThatIsNotTheCertificatesStopsTheStartWithTheKeysPath(Vertx vertx) {
    TestCerts.Issued other = certs.server("other", ca);
    BffConfig config = BffUnderTest.parse("server: { port: 0, admin-port: 0, instances: 1, tls: { cert: \""
        + server.certFile() + "\", key: \"" + other.keyFile() + "\" } }\n" + ROUTES, Map.of("SVC", up.url()));
    Throwable failure = Bff.start(vertx, BffUnderTest.TestModule.INSTANCE, config)
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
    assertThat(failure).isInstanceOf(ConfigException.class);
    assertThat(((ConfigException) failure).problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("server.tls.key");
      assertThat(p.message()).contains("is not the private key of the certificate");
    });
  }
}
