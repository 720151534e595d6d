package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestCerts;
import dev.bff.common.testing.TlsClient;
import dev.bff.common.tls.ServerTls;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A listener takes a new certificate from its files while running, and keeps the old one when the new files are bad. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CertificateReloadTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;
  FakeUpstream up;
  BffUnderTest bff;

  @AfterEach
  void stop() {
    if (bff != null) {
      bff.close();
    }
    if (up != null) {
      up.close();
    }
  }

  /** Overwrites the live files in place, certificate first, as a careless rotation would. */
  private void install(Path cert, Path key, TestCerts.Issued i) throws IOException {
    Files.write(cert, Files.readAllBytes(i.certPath()));
    Files.write(key, Files.readAllBytes(i.keyPath()));
  }

  private static BigInteger served(TlsClient client, int port) {
    try {
      return client.handshake(port).server().getSerialNumber();
    } catch (IOException e) {
      throw new AssertionError("a handshake failed", e);
    }
  }

  @Test
  void aChangedCertificateIsServedToNewConnectionsAndBadFilesKeepTheCurrentOne(Vertx vertx) throws Exception {
    TestCerts certs = new TestCerts(dir.resolve("issued"));
    TestCerts.Issued ca = certs.ca("ca");
    TestCerts.Issued a = certs.server("a", ca);
    TestCerts.Issued b = certs.server("b", ca);
    TestCerts.Issued c = certs.server("c", ca);
    Path cert = dir.resolve("live.pem");
    Path key = dir.resolve("live-key.pem");
    install(cert, key, a);
    up = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, """
        server:
          port: 0
          admin-port: 0
          instances: 2
          tls: { cert: "%s", key: "%s", reload-interval: 200ms }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(cert, key), Map.of("SVC", up.url()));
    ServerTls tls = bff.running().gateway().tls();
    assertThat(tls.watching()).isTrue();
    TlsClient client = TlsClient.trusting(ca);
    int port = bff.port();

    try (TlsClient.Connection before = client.connect(port)) {
      assertThat(before.handshake().server().getSerialNumber()).isEqualTo(a.cert().getSerialNumber());
      assertThat(before.get("/api/before").status()).isEqualTo(200);

      install(cert, key, b);
      Poll.until("new handshakes to get certificate b", WAIT,
          () -> served(client, port).equals(b.cert().getSerialNumber()));
      for (int i = 0; i < 4; i++) { // every event loop's listener
        assertThat(served(client, port)).as("handshake %d", i).isEqualTo(b.cert().getSerialNumber());
      }
      assertThat(tls.reloads()).isEqualTo(1);
      assertThat(tls.certificate().getSerialNumber()).isEqualTo(b.cert().getSerialNumber());
      assertThat(before.get("/api/after").status()).as("a connection opened before the reload").isEqualTo(200);
    }
    assertThat(up.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/before", "/after");

    Files.write(cert, Files.readAllBytes(c.certPath())); // half a rotation: c's certificate with b's key
    Poll.until("the mismatch to be noticed", WAIT, () -> tls.lastFailure() != null);
    assertThat(tls.lastFailure()).startsWith("server.tls.key: '" + key + "' is not the private key of the certificate");
    assertThat(served(client, port)).isEqualTo(b.cert().getSerialNumber());
    assertThat(client.get(port, "/api/mismatch").status()).isEqualTo(200);

    Files.write(cert, Files.readAllBytes(b.certPath()));
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    Poll.until("the broken key to be noticed", WAIT,
        () -> tls.lastFailure() != null && tls.lastFailure().startsWith("server.tls.key: '" + key + "' cannot be loaded"));
    assertThat(served(client, port)).isEqualTo(b.cert().getSerialNumber());
    assertThat(client.get(port, "/api/broken").status()).isEqualTo(200);
    assertThat(tls.reloads()).isEqualTo(1);

    install(cert, key, c); // a good pair again
    Poll.until("certificate c to be served", WAIT, () -> served(client, port).equals(c.cert().getSerialNumber()));
    Poll.until("the failure to be cleared", WAIT, () -> tls.lastFailure() == null);
    assertThat(tls.reloads()).isEqualTo(2);
  }

  @Test
  void reloadIntervalZeroNeverReloads(Vertx vertx) throws Exception {
    TestCerts certs = new TestCerts(dir.resolve("issued"));
    TestCerts.Issued ca = certs.ca("ca");
    Path cert = dir.resolve("live.pem");
    Path key = dir.resolve("live-key.pem");
    TestCerts.Issued a = certs.server("a", ca);
    install(cert, key, a);
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1, tls: { cert: "%s", key: "%s", reload-interval: 0 } }
        """.formatted(cert, key), Map.of());
    assertThat(bff.running().gateway().tls().watching()).as("no timer checks the files").isFalse();
    install(cert, key, certs.server("b", ca));
    assertThat(served(TlsClient.trusting(ca), bff.port())).isEqualTo(a.cert().getSerialNumber());
    assertThat(bff.running().gateway().tls().reloads()).isZero();
  }
}
