package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.routing.Problem;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.RawHttp;
import dev.bff.common.testing.TestCerts;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The plain-HTTP redirect listener: 308 to the TLS listener for every request, 400 without a valid Host. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpRedirectTest {
  @TempDir
  Path dir;
  FakeUpstream up;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    TestCerts certs = new TestCerts(dir);
    TestCerts.Issued server = certs.server("server", certs.ca("ca"));
    up = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, """
        server:
          port: 0
          admin-port: 0
          instances: 1
          tls: { cert: "%s", key: "%s" }
          http-redirect: { host: 127.0.0.1, port: 0 }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/**", upstream: svc }
        """.formatted(server.certFile(), server.keyFile()), Map.of("SVC", up.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    up.close();
  }

  private BffUnderTest.Response send(String request) {
    return RawHttp.exchange(bff.redirectPort(), request);
  }

  @Test
  void aGetIsSentToTheSameHostPathAndQueryOnTheTlsPort() {
    assertThat(bff.redirectPort()).isPositive().isNotEqualTo(bff.port());
    BffUnderTest.Response r = send("GET /api/products/7?fields=name,price&q=a%20b HTTP/1.1\r\n"
        + "Host: shop.example.com:8080\r\n\r\n");
    assertThat(r.status()).isEqualTo(308);
    assertThat(r.header("location"))
        .isEqualTo("https://shop.example.com:" + bff.port() + "/api/products/7?fields=name,price&q=a%20b");
    assertThat(r.body().length()).isZero();
    assertThat(up.count()).as("it serves nothing else").isZero();
  }

  @Test
  void aPostIsRedirectedWith308SoItsMethodIsKept() {
    try (RawHttp h = RawHttp.connect(bff.redirectPort())) {
      BffUnderTest.Response r = h.write("POST /orders HTTP/1.1\r\nHost: shop.example.com\r\n"
          + "Content-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"qty\": 1}\n").read();
      assertThat(r.status()).isEqualTo(308);
      assertThat(r.header("location")).isEqualTo("https://shop.example.com:" + bff.port() + "/orders");
    }
    assertThat(send("HEAD / HTTP/1.1\r\nHost: shop.example.com\r\n\r\n").header("location"))
        .isEqualTo("https://shop.example.com:" + bff.port() + "/");
    assertThat(up.count()).isZero();
  }

  @Test
  void ipAddressesAreKeptAsTheyAre() {
    assertThat(send("GET /x HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n").header("location"))
        .isEqualTo("https://[::1]:" + bff.port() + "/x");
    assertThat(send("GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").header("location"))
        .isEqualTo("https://127.0.0.1:" + bff.port() + "/x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Host: evil.example/x\r\n", "Host: user@shop.example.com\r\n", "Host: shop.example.com:80x\r\n",
      "Host: [::1\r\n", "Host: shop example\r\n", "Host:\r\n", "Host: a.example\r\nHost: b.example\r\n"})
  void anInvalidHostGets400(String hostLines) {
    BffUnderTest.Response r = send("GET /x HTTP/1.1\r\n" + hostLines + "\r\n");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("content-type")).isEqualTo(Problem.MEDIA_TYPE);
    assertThat(r.json().getString("type")).isEqualTo(Problem.TYPE_BASE + "bad-request");
    assertThat(r.header("location")).isNull();
  }

  @Test
  void aRequestWithoutHostGets400() {
    BffUnderTest.Response r = send("GET /x HTTP/1.0\r\n\r\n");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getInteger("status")).isEqualTo(400);
    assertThat(send("GET /x HTTP/1.1\r\nConnection: close\r\n\r\n").status()).isEqualTo(400);
  }

  @Test
  void port443IsLeftOutOfTheLocation() {
    assertThat(RedirectServer.location("shop.example.com:80", 443, "/a?b=1")).isEqualTo("https://shop.example.com/a?b=1");
    assertThat(RedirectServer.location("shop.example.com", 8443, "/")).isEqualTo("https://shop.example.com:8443/");
    assertThat(RedirectServer.location("[2001:db8::1]:80", 443, "/")).isEqualTo("https://[2001:db8::1]/");
    assertThat(RedirectServer.location("shop.example.com:", 443, "/")).isEqualTo("https://shop.example.com/");
    assertThat(RedirectServer.location("http://shop.example.com", 443, "/")).isNull();
  }
}
