package dev.bff.common.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One HTTPS GET over a new connection to {@code localhost} (offering h2 and HTTP/1.1 by ALPN),
 * trusting one CA and optionally presenting a client certificate: for mutual-TLS tests, where every handshake must be fresh.
 * Blocking: call it from the test thread.
 */
public final class HttpsClient {
  private HttpsClient() {}

  /** A whole answer. */
  public record Answer(int status, MultiMap headers, Buffer body, HttpVersion version) {
    /** The body as JSON (an empty body is an empty object). */
    public JsonObject json() {
      return body.length() == 0 ? new JsonObject() : body.toJsonObject();
    }
  }

  /**
   * GETs {@code path} from {@code https://localhost:port}.
   *
   * @param trustCa  PEM of the CA the server's certificate must chain to
   * @param certPath PEM of the client certificate to present, or null for none
   * @param keyPath  PEM of its key, or null
   * @throws ExecutionException when the handshake or the request fails (e.g. a refused certificate)
   */
  public static Answer get(Vertx vertx, int port, String trustCa, String certPath, String keyPath, String path,
      Map<String, String> headers) throws ExecutionException {
    HttpClientOptions o = new HttpClientOptions().setSsl(true).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2)
        .setTrustOptions(new PemTrustOptions().addCertPath(trustCa));
    if (certPath != null) {
      o.setKeyCertOptions(new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath));
    }
    HttpClient client = vertx.createHttpClient(o);
    try {
      RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(port)
          .setURI(path);
      headers.forEach(ro::putHeader);
      return client.request(ro).compose(req -> req.send()).compose(resp -> resp.body()
              .map(b -> new Answer(resp.statusCode(), resp.headers(), b, resp.version())))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer from https://localhost:" + port + path + " within 20 s", e);
    } finally {
      client.close();
    }
  }

  /** Like {@link #get} presenting {@code cert} (or none when null). */
  public static Answer get(Vertx vertx, int port, String trustCa, TestCerts.Issued cert, String path,
      Map<String, String> headers) throws ExecutionException {
    return get(vertx, port, trustCa, cert == null ? null : cert.certFile(), cert == null ? null : cert.keyFile(), path,
        headers);
  }
}
