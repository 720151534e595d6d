package dev.bff.common.tls;

import dev.bff.common.config.ConfigProblem;
import dev.bff.common.config.PemSource;
import dev.bff.common.config.TlsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS of one client-facing listener ({@code server.tls} or {@code server.mtls}): the key
 * material it serves, read and checked at start-up, and its files re-read every
 * {@code reload-interval}. When their content changed and the new pair loads, every registered
 * listener switches to it for new connections (open ones keep theirs); a pair that does not load
 * is logged once and the current one stays.
 *
 * <p>The files are compared by content, not modification time (which can stay the same within a
 * second, and an EC key keeps its size), and the listeners get the bytes that were checked, never
 * the paths, so what is served is exactly what was validated.
 */
public final class ServerTls {
  private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

  private final Vertx vertx;
  private final String name;
  private final TlsConfig config;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final AtomicBoolean checking = new AtomicBoolean();
  private final AtomicLong reloads = new AtomicLong();
  private volatile Loaded current;
  private volatile Material failed;
  private volatile String lastFailure;
  private volatile long timer = -1;

  /** What the files held: compared by content ({@link Buffer#equals}). */
  private record Material(Buffer cert, Buffer key, Buffer clientCa) {}

  private record Loaded(Material material, ServerSSLOptions options, X509Certificate leaf) {}

  private ServerTls(Vertx vertx, String name, TlsConfig config, Loaded first) {
    this.vertx = vertx;
    this.name = name;
    this.config = config;
    this.current = first;
  }

  /**
   * Reads and checks the listener's key material (blocking: call at start-up, off the event loop);
   * what is wrong is added to {@code problems} under {@code path} and null is returned.
   */
  public static ServerTls load(Vertx vertx, String path, TlsConfig config, List<ConfigProblem> problems) {
    try {
      Material m = read(config, null);
      return new ServerTls(vertx, path, config, build(vertx, config, m));
    } catch (KeyMaterial.Invalid e) {
      problems.add(new ConfigProblem(path + "." + e.key(), e.getMessage()));
      return null;
    }
  }

  /** Sets TLS on a listener's options: the current key material, protocols, ALPN and client auth. */
  public HttpServerOptions configure(HttpServerOptions o) {
    ServerSSLOptions s = current.options();
    o.setSsl(true).setUseAlpn(true).setKeyCertOptions(s.getKeyCertOptions())
        .setEnabledSecureTransportProtocols(s.getEnabledSecureTransportProtocols()).setClientAuth(s.getClientAuth());
    if (s.getTrustOptions() != null) {
      o.setTrustOptions(s.getTrustOptions());
    }
    return o;
  }

  /** Adds a listener (started with {@link #configure}) that takes new key material when it changes. */
  public void register(HttpServer server) {
    servers.add(server);
  }

  /** The certificate served to new connections. */
  public X509Certificate certificate() {
    return current.leaf();
  }

  /** How many times new key material was taken since start. */
  public long reloads() {
    return reloads.get();
  }

  /** Why the files on disk are not what is served, or null when they are. */
  public String lastFailure() {
    return lastFailure;
  }

  /** Starts checking the files every reload-interval (unless zero, or nothing is in a file). */
  public void start() {
    boolean files = config.cert().reloadable() || config.key().reloadable()
        || (config.clientCa() != null && config.clientCa().reloadable());
    if (!config.reloadInterval().isZero() && files) {
      timer = vertx.setPeriodic(config.reloadInterval().toMillis(), id -> check());
    }
  }

  /** Whether the files are being checked for changes. */
  public boolean watching() {
    return timer >= 0;
  }

  /** Stops checking. */
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void check() {
    if (!checking.compareAndSet(false, true)) {
      return; // the previous check is still reading or switching
    }
    vertx.executeBlocking(this::changed, false)
        .compose(next -> next == null ? Future.succeededFuture() : switchTo(next))
        .onComplete(ar -> {
          checking.set(false);
          if (ar.failed()) {
            LOG.error("{}: switching to the new certificate failed; new connections may still get {}", name,
                KeyMaterial.describe(current.leaf()), ar.cause());
          }
        });
  }

  /** The new key material when the files changed and load; null otherwise (failures logged once). */
  private Loaded changed() {
    Loaded now = current;
    Material m;
    try {
      m = read(config, now.material());
    } catch (KeyMaterial.Invalid e) {
      fail(null, e);
      return null;
    }
    if (m.equals(now.material())) {
      failed = null;
      lastFailure = null;
      return null;
    }
    if (m.equals(failed)) {
      return null;
    }
    try {
      return build(vertx, config, m);
    } catch (KeyMaterial.Invalid e) {
      fail(m, e);
      return null;
    }
  }

  private void fail(Material m, KeyMaterial.Invalid e) {
    String why = name + "." + e.key() + ": " + e.getMessage();
    if (!why.equals(lastFailure)) {
      LOG.error("{}; still serving {}", why, KeyMaterial.describe(current.leaf()));
    }
    failed = m;
    lastFailure = why;
  }

  private Future<Void> switchTo(Loaded next) {
    List<Future<Boolean>> updates = servers.stream().map(s -> update(s, next.options())).toList();
    return Future.all(updates).onSuccess(v -> {
      Loaded was = current;
      current = next;
      failed = null;
      lastFailure = null;
      reloads.incrementAndGet();
      LOG.info("{}: certificate reloaded, new connections get {}; was {}", name, KeyMaterial.describe(next.leaf()),
          KeyMaterial.describe(was.leaf()));
    }).mapEmpty();
  }

  private static Future<Boolean> update(HttpServer s, ServerSSLOptions options) {
    try {
      return s.updateSSLOptions(options);
    } catch (IllegalStateException e) {
      return Future.succeededFuture(false); // closed while draining: nothing to update
    }
  }

  /** Reads the files (blocking); classpath resources are read only the first time ({@code was} null). */
  private static Material read(TlsConfig c, Material was) throws KeyMaterial.Invalid {
    return new Material(read(c.cert(), was == null ? null : was.cert(), "cert"),
        read(c.key(), was == null ? null : was.key(), "key"),
        c.clientCa() == null ? null : read(c.clientCa(), was == null ? null : was.clientCa(), "client-ca"));
  }

  private static Buffer read(PemSource s, Buffer was, String key) throws KeyMaterial.Invalid {
    if (was != null && !s.reloadable()) {
      return was;
    }
    try {
      return Buffer.buffer(s.read());
    } catch (IOException e) {
      throw new KeyMaterial.Invalid(key, "cannot read '" + s + "': " + e.getMessage());
    }
  }

  private static Loaded build(Vertx vertx, TlsConfig c, Material m) throws KeyMaterial.Invalid {
    try {
      return load(vertx, c, m);
    } catch (KeyMaterial.Invalid e) {
      throw e.naming(e.key().equals("cert") ? c.cert() : e.key().equals("key") ? c.key() : c.clientCa());
    }
  }

  private static Loaded load(Vertx vertx, TlsConfig c, Material m) throws KeyMaterial.Invalid {
    KeyMaterial.Pair pair = KeyMaterial.pair(vertx, m.cert(), m.key());
    ServerSSLOptions o = new ServerSSLOptions()
        .setKeyCertOptions(pair.options())
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(c.protocols()))
        .setUseAlpn(true)
        .setClientAuth(c.clientAuth());
    if (m.clientCa() != null) {
      o.setTrustOptions(KeyMaterial.trust(vertx, m.clientCa(), "client-ca"));
    }
    return new Loaded(m, o, pair.leaf());
  }
}
