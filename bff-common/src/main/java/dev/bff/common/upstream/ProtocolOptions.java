package dev.bff.common.upstream;

import dev.bff.common.config.UpstreamConfig;
import dev.bff.common.config.UpstreamProtocol;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;

/**
 * The client and pool options that make a Vert.x client speak an upstream's {@code protocol}:
 * HTTP/1.1, h2c by prior knowledge (no {@code Upgrade} round trip), or h2 agreed through ALPN. An
 * h2 upstream whose ALPN offers only HTTP/1.1 is spoken to in HTTP/1.1, with the HTTP/1.1 default
 * pool size.
 */
public final class ProtocolOptions {
  /** Largest header block accepted from an upstream, as for HTTP/1.1 heads. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  private ProtocolOptions() {}

  /**
   * Sets the protocol on {@code o}; for HTTP/2 also the streams per connection, the keep-alive of
   * idle connections, no server push, and a connection window large enough for every stream's.
   */
  public static HttpClientOptions configure(HttpClientOptions o, UpstreamConfig c) {
    UpstreamProtocol p = c.protocol();
    if (!p.http2()) {
      return o.setProtocolVersion(HttpVersion.HTTP_1_1);
    }
    Http2Settings settings = new Http2Settings().setPushEnabled(false).setMaxHeaderListSize(MAX_HEADER_BYTES);
    // each stream's window bounds what waits for a slow client; the connection's must not be the
    // tighter limit, or a few busy streams would stall all the others
    long window = (long) c.maxStreams() * settings.getInitialWindowSize();
    o.setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2MultiplexingLimit(c.maxStreams())
        .setHttp2ConnectionWindowSize((int) Math.min(Integer.MAX_VALUE, window))
        .setHttp2KeepAliveTimeout((int) Math.max(1, c.keepAlive().toSeconds()))
        .setInitialSettings(settings);
    if (p == UpstreamProtocol.H2C) {
      o.setHttp2ClearTextUpgrade(false); // prior knowledge: the connection preface straight away
    } else {
      o.setUseAlpn(true);
    }
    return o;
  }

  /**
   * Pool sizes for {@code connections} per instance (HTTP/2 connections for h2c and h2, where an h2
   * upstream answering ALPN with HTTP/1.1 gets the HTTP/1.1 default) and {@code queue} waiting requests.
   */
  public static PoolOptions pool(UpstreamConfig c, int connections, int queue) {
    PoolOptions pool = new PoolOptions().setMaxWaitQueueSize(queue);
    if (!c.protocol().http2()) {
      return pool.setHttp1MaxSize(connections);
    }
    return pool.setHttp2MaxSize(connections).setHttp1MaxSize(c.protocol() == UpstreamProtocol.H2
        ? Math.max(connections, UpstreamProtocol.DEFAULT_HTTP1_POOL) : connections);
  }
}
