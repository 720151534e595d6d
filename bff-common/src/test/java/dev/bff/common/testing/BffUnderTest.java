package dev.bff.common.testing;

import dev.bff.common.config.BffConfig;
import dev.bff.common.config.ConfigLoader;
import dev.bff.common.config.EnvSubstitution;
import dev.bff.common.routing.BffModule;
import dev.bff.common.server.Bff;
import dev.bff.common.server.RunningBff;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * A BFF started for a test on free ports from YAML text, with a client pointed at it.
 * {@code ${NAME}} references in the YAML are resolved from {@code vars} (then the environment).
 */
public final class BffUnderTest implements AutoCloseable {
  private final Vertx vertx;
  private final RunningBff running;
  private final HttpClient client;
  private final io.vertx.core.Context context;
  private volatile Map<String, String> defaultHeaders = Map.of();

  private BffUnderTest(Vertx vertx, RunningBff running) {
    this.vertx = vertx;
    this.running = running;
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(running.port()).setKeepAlive(true));
  }

  /** Parses {@code yaml} (ports default to 0, one event loop) and starts {@code module} with it. */
  public static BffUnderTest start(Vertx vertx, BffModule module, String yaml, Map<String, String> vars) {
    BffConfig config = parse(yaml, vars);
    return new BffUnderTest(vertx, TestClient.await(Bff.start(vertx, module, config), "the BFF to start"));
  }

  /** Like {@link #start(Vertx, BffModule, String, Map)}, recording metrics and spans into {@code telemetry}. */
  public static BffUnderTest start(Vertx vertx, BffModule module, String yaml, Map<String, String> vars,
      dev.bff.common.observability.Telemetry telemetry) {
    BffConfig config = parse(yaml, vars);
    return new BffUnderTest(vertx, TestClient.await(Bff.start(vertx, module, config, telemetry), "the BFF to start"));
  }

  /**
   * Starts {@code module} from a YAML file, as a launched BFF does: reloads ({@code POST /admin/reload},
   * a watched file) read the file again. {@code ${NAME}} references resolve from {@code vars}, then the
   * environment; ports not given default to 0.
   */
  public static BffUnderTest startFile(Vertx vertx, BffModule module, java.nio.file.Path file,
      Map<String, String> vars) {
    EnvSubstitution env = new EnvSubstitution(name -> vars.containsKey(name) ? vars.get(name) : System.getenv(name));
    dev.bff.common.config.ConfigSource source = dev.bff.common.config.ConfigSource.file(new ConfigLoader(env, 0, 0),
        file);
    BffConfig config = source.read();
    return new BffUnderTest(vertx, TestClient.await(Bff.start(vertx, module, config,
        dev.bff.common.observability.Telemetry.FROM_CONFIG, source), "the BFF to start"));
  }

  /** Starts a module without Java endpoints. */
  public static BffUnderTest start(Vertx vertx, String yaml, Map<String, String> vars) {
    return start(vertx, TestModule.INSTANCE, yaml, vars);
  }

  /** Parses YAML as the gateway would, with test defaults (ports 0, admin on loopback). */
  public static BffConfig parse(String yaml, Map<String, String> vars) {
    EnvSubstitution env = new EnvSubstitution(name -> vars.containsKey(name) ? vars.get(name) : System.getenv(name));
    String withDefaults = yaml.contains("server:") ? yaml : "server: { port: 0, admin-port: 0, instances: 1 }\n" + yaml;
    return new ConfigLoader(env, 0, 0).parse(withDefaults, "test.yaml");
  }

  /** The running BFF. */
  public RunningBff running() {
    return running;
  }

  /** The gateway port. */
  public int port() {
    return running.port();
  }

  /** The admin port. */
  public int adminPort() {
    return running.adminPort();
  }

  /** The mTLS listener's port ({@code server.mtls}), or -1 without one. */
  public int mtlsPort() {
    return running.mtlsPort();
  }

  /** The HTTP-to-HTTPS redirect listener's port ({@code server.http-redirect}), or -1 without one. */
  public int redirectPort() {
    return running.redirectPort();
  }

  /** A keep-alive client for the gateway port. */
  public HttpClient client() {
    return client;
  }

  /** The context {@link #send} starts its requests on; use it with {@link OnContext} for custom calls. */
  public io.vertx.core.Context context() {
    return context;
  }

  /** Headers every later {@link #send} carries unless it sets them itself (e.g. a partner's API key). */
  public BffUnderTest defaultHeaders(Map<String, String> headers) {
    this.defaultHeaders = Map.copyOf(headers);
    return this;
  }

  /** Sends a request and reads the whole response. */
  public Response send(HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
    RequestOptions o = new RequestOptions().setMethod(method).setURI(uri).setHost("127.0.0.1").setPort(port());
    Map<String, String> all = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    all.putAll(defaultHeaders);
    all.putAll(headers);
    all.forEach(o::putHeader);
    return OnContext.await(context, () -> client.request(o)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Response(resp, b))));
  }

  /** GETs {@code uri}. */
  public Response get(String uri) {
    return send(HttpMethod.GET, uri, Map.of(), null);
  }

  /** GETs {@code uri} with headers. */
  public Response get(String uri, Map<String, String> headers) {
    return send(HttpMethod.GET, uri, headers, null);
  }

  /** Empties the response cache through the admin API ({@code POST /admin/cache/purge {"prefix": "/"}}). */
  public void purgeCache() {
    var admin = vertx.createHttpClient();
    try {
      int status = OnContext.await(context, () -> admin.request(HttpMethod.POST, adminPort(), "127.0.0.1",
              "/admin/cache/purge")
          .compose(req -> req.putHeader("content-type", "application/json").send("{\"prefix\":\"/\"}"))
          .map(io.vertx.core.http.HttpClientResponse::statusCode));
      if (status != 200) {
        throw new AssertionError("cache purge answered " + status);
      }
    } finally {
      admin.close();
    }
  }

  @Override
  public void close() {
    TestClient.await(running.shutdown(), "the BFF to shut down");
    client.close().await();
  }

  /** A whole response. */
  public record Response(int status, io.vertx.core.MultiMap headers, Buffer body) {
    Response(HttpClientResponse r, Buffer b) {
      this(r.statusCode(), r.headers(), b);
    }

    /** The body as a JSON object. */
    public io.vertx.core.json.JsonObject json() {
      return body.toJsonObject();
    }

    /** A header value. */
    public String header(String name) {
      return headers.get(name);
    }
  }

  /** A module with no Java endpoints, for route-only tests. */
  public static final class TestModule implements BffModule {
    /** The one instance. */
    public static final TestModule INSTANCE = new TestModule();

    @Override
    public String name() {
      return "test-bff";
    }
  }
}
