package dev.bff.common.testing;

import dev.bff.common.server.Bff;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.Set;

/**
 * Runs a BFF like {@link GatewayMain} and, in the same JVM, a control: a bare Vert.x HTTPS server
 * with the certificate and key named by the system properties {@code control.cert} and
 * {@code control.key} that enables TLS 1.0 to 1.3. Started with a security properties file that
 * takes TLS 1.0 and 1.1 off {@code jdk.tls.disabledAlgorithms}, the control shows that this JVM
 * and Netty would negotiate them, so a gateway that refuses them refuses by its own setting.
 * Prints {@code control listening on :PORT} before the gateway starts.
 */
public final class LegacyTlsMain {
  private LegacyTlsMain() {}

  /** Starts the control, then launches the gateway with {@code args} ({@code --config FILE}). */
  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    HttpServer control = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(System.getProperty("control.cert"))
            .setKeyPath(System.getProperty("control.key")))
        .setEnabledSecureTransportProtocols(Set.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")));
    control.requestHandler(req -> req.response().end("control"));
    int port = control.listen(0, "127.0.0.1").await().actualPort();
    System.out.println("control listening on :" + port);
    System.out.flush();
    Bff.launch(BffUnderTest.TestModule.INSTANCE, args);
  }
}
