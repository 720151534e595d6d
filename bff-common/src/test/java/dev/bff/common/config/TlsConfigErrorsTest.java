package dev.bff.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bff.common.server.Bff;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.TestCerts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Mistakes in server.tls, server.mtls, server.http-redirect and upstreams.*.tls, each with its key path. */
@ExtendWith(VertxExtension.class)
class TlsConfigErrorsTest {
  /** Readable files: parsing checks that they can be read, not what they hold. */
  private static final String PEM = readable();
  private static final String TLS = "tls: { cert: \"" + PEM + "\", key: \"" + PEM + "\" }";

  private static String readable() {
    try {
      Path p = Files.createTempFile("tls-config", ".pem");
      p.toFile().deleteOnExit();
      return p.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static BffConfig parse(String yaml) {
    return new ConfigLoader(new EnvSubstitution(name -> null), 8080, 9080).parse(yaml, "bad.yaml");
  }

  static Stream<Arguments> badSnippets() {
    return Stream.of(
        bad("TLS 1.1", "server: { tls: { cert: \"" + PEM + "\", key: \"" + PEM + "\", protocols: [TLSv1.2, TLSv1.1] } }",
            "server.tls.protocols[1]", "must be TLSv1.2 or TLSv1.3, was 'TLSv1.1'"),
        bad("no protocol", "server: { tls: { cert: \"" + PEM + "\", key: \"" + PEM + "\", protocols: [] } }",
            "server.tls.protocols", "must name TLSv1.2, TLSv1.3 or both"),
        bad("reload every 10ms", "server: { tls: { cert: \"" + PEM + "\", key: \"" + PEM + "\", reload-interval: 10ms } }",
            "server.tls.reload-interval", "at least 100ms"),
        bad("missing key", "server: { tls: { cert: \"" + PEM + "\" } }", "server.tls.key", "is required"),
        bad("unreadable cert", "server: { tls: { cert: /no/such/cert.pem, key: \"" + PEM + "\" } }",
            "server.tls.cert", "file '/no/such/cert.pem' cannot be read"),
        bad("missing classpath resource", "server: { tls: { cert: \"classpath:certs/none.pem\", key: \"" + PEM + "\" } }",
            "server.tls.cert", "classpath resource 'certs/none.pem' not found"),
        bad("misspelt client-auth", "server: { tls: { cert: \"" + PEM + "\", key: \"" + PEM + "\", client-auth: require } }",
            "server.tls.client-auth", "must be none, request or required, was 'require'"),
        bad("client-auth without client-ca", "server: { tls: { cert: \"" + PEM + "\", key: \"" + PEM
            + "\", client-auth: required } }", "server.tls.client-ca", "is required"),
        bad("client-ca without client-auth", "server: { tls: { cert: \"" + PEM + "\", key: \"" + PEM
            + "\", client-ca: \"" + PEM + "\" } }", "server.tls.client-ca", "is used only with client-auth"),
        bad("mtls without client-ca", "server: { " + TLS + ", mtls: { port: 0 } }",
            "server.mtls.client-ca", "is required"),
        bad("mtls without port", "server: { " + TLS + ", mtls: { client-ca: \"" + PEM + "\" } }",
            "server.mtls.port", "is required"),
        bad("mtls on the main port", "server: { port: 8443, " + TLS + ", mtls: { port: 8443, client-ca: \"" + PEM
            + "\" } }", "server.mtls.port", "port 8443 is already server.port's"),
        bad("mtls TLS 1.0", "server: { " + TLS + ", mtls: { port: 0, client-ca: \"" + PEM + "\", protocols: [TLSv1] } }",
            "server.mtls.protocols[0]", "must be TLSv1.2 or TLSv1.3"),
        bad("mtls with a cert but no key", "server: { mtls: { port: 0, cert: \"" + PEM + "\", client-ca: \"" + PEM
            + "\" } }", "server.mtls.key", "is required"),
        bad("mtls client-auth (always required)", "server: { " + TLS + ", mtls: { port: 0, client-ca: \"" + PEM
            + "\", client-auth: request } }", "server.mtls.client-auth", "unknown key"),
        bad("http-redirect without tls", "server: { http-redirect: { port: 0 } }",
            "server.http-redirect", "needs server.tls"),
        bad("http-redirect on the admin port", "server: { admin-port: 9443, " + TLS
            + ", http-redirect: { port: 9443 } }", "server.http-redirect.port", "already server.admin-port's"),
        bad("upstream cert without key", "upstreams:\n  a: { instances: [\"https://h:1\"], tls: { cert: \"" + PEM
            + "\" } }", "upstreams.a.tls.key", "is required with cert"),
        bad("upstream tls without https", "upstreams:\n  a: { instances: [\"http://h:1\"], tls: { ca: \"" + PEM
            + "\" } }", "upstreams.a.tls", "is used only for https:// instances"),
        bad("upstream ca missing", "upstreams:\n  a: { instances: [\"https://h:1\"], tls: { ca: /no/ca.pem } }",
            "upstreams.a.tls.ca", "file '/no/ca.pem' cannot be read"),
        bad("upstream server-name with a port", "upstreams:\n  a: { instances: [\"https://h:1\"], tls: { ca: \"" + PEM
            + "\", server-name: \"catalog:443\" } }", "upstreams.a.tls.server-name", "must be a DNS name"));
  }

  private static Arguments bad(String what, String yaml, String path, String message) {
    return Arguments.of(what, yaml, new ConfigProblem(path, message));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSnippets")
  void eachMistakeIsReportedWithItsKeyPath(String what, String yaml, ConfigProblem expected) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
    assertThat(e).as(what).isNotNull();
    assertThat(e.problems()).as(what).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo(expected.path());
      assertThat(p.message()).contains(expected.message());
    });
  }

  @Test
  void defaults() {
    BffConfig c = parse("server: { " + TLS + ", mtls: { port: 0, client-ca: \"" + PEM + "\" } }");
    TlsConfig tls = c.server().tls();
    assertThat(tls.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(tls.reloadInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(tls.clientAuth()).isEqualTo(ClientAuth.NONE);
    assertThat(tls.cert().reloadable()).isTrue();
    MtlsConfig mtls = c.server().mtls();
    assertThat(mtls.host()).isEqualTo("0.0.0.0");
    assertThat(mtls.tls().clientAuth()).isEqualTo(ClientAuth.REQUIRED);
    assertThat(mtls.tls().cert()).isEqualTo(tls.cert());
    assertThat(c.server().httpRedirect()).isNull();
    UpstreamTlsConfig up = parse("upstreams:\n  a: { instances: [\"https://h:1\"], tls: { ca: \"" + PEM + "\" } }")
        .upstreams().get("a").tls();
    assertThat(up.verifyHost()).isTrue();
    assertThat(up.serverName()).isNull();
    assertThat(parse("server: { " + TLS + ", http-redirect: {} }").server().httpRedirect().port()).isEqualTo(80);
  }

  @Test
  void whatTheFilesHoldIsCheckedAtStartWithTheKeyPath(Vertx vertx, @TempDir Path dir) throws IOException {
    TestCerts certs = new TestCerts(dir);
    TestCerts.Issued ca = certs.ca("ca");
    TestCerts.Issued server = certs.server("server", ca);
    TestCerts.Issued client = certs.client("client", "CN=gw", ca);
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
    List<ConfigProblem> problems = startProblems(vertx, """
        server:
          port: 0
          admin-port: 0
          tls: { cert: "%s", key: "%s", client-auth: request, client-ca: "%s" }
        upstreams:
          a: { instances: ["https://127.0.0.1:1"], tls: { cert: "%s", key: "%s" } }
        """.formatted(garbage, server.keyFile(), ca.certFile(), client.certFile(), server.keyFile()));
    assertThat(problems).extracting(ConfigProblem::path).containsExactly("server.tls.cert", "upstreams.a.tls.key");
    assertThat(problems.get(0).message()).startsWith("'" + garbage + "' cannot be loaded");
    assertThat(problems.get(1).message()).contains("is not the private key of the certificate");
    assertThat(startProblems(vertx, """
        server: { port: 0, admin-port: 0, tls: { cert: "%s", key: "%s", client-auth: required, client-ca: "%s" } }
        """.formatted(server.certFile(), server.keyFile(), garbage))).extracting(ConfigProblem::path)
        .containsExactly("server.tls.client-ca");
  }

  private static List<ConfigProblem> startProblems(Vertx vertx, String yaml) {
    Throwable t = Bff.start(vertx, BffUnderTest.TestModule.INSTANCE, BffUnderTest.parse(yaml, Map.of()))
        .transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(t).isInstanceOf(ConfigException.class);
    return ((ConfigException) t).problems();
  }
}
