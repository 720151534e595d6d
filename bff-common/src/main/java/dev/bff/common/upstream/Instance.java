package dev.bff.common.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance of an upstream: its address and the state the balancer, outlier ejection and health
 * checks share across event loops.
 */
public final class Instance {
  private final String host;
  private final int port;
  private final boolean ssl;
  private final SocketAddress address;
  private final String authority;
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger consecutiveFailures = new AtomicInteger();
  volatile long ejectedUntilNanos; // 0: not ejected
  volatile int ejections;
  volatile long lastEjectionEndNanos;
  volatile boolean healthy = true;
  int checkSuccesses;
  int checkFailures;

  /** Creates an instance at {@code host:port}, TLS when {@code ssl}. */
  public Instance(String host, int port, boolean ssl) {
    this.host = host;
    this.port = port;
    this.ssl = ssl;
    this.address = SocketAddress.inetSocketAddress(port, host);
    this.authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** Host name or address. */
  public String host() {
    return host;
  }

  /** Port. */
  public int port() {
    return port;
  }

  /** Whether requests use TLS. */
  public boolean ssl() {
    return ssl;
  }

  /** The socket address connections go to. */
  public SocketAddress address() {
    return address;
  }

  /** {@code host:port}, the Host header sent upstream unless the route preserves the client's. */
  public String authority() {
    return authority;
  }

  /**
   * Gives a request to this instance an explicit {@code Host} header when the host is an IPv6
   * literal: Vert.x writes {@code host:port} without the brackets RFC 3986 requires. The headers are
   * copied, never changed in place (they may be shared with other attempts).
   */
  public RequestOptions bracketHost(RequestOptions o) {
    if (host.indexOf(':') >= 0) {
      MultiMap h = HttpHeaders.headers();
      if (o.getHeaders() != null) {
        h.addAll(o.getHeaders());
      }
      o.setHeaders(h.set(HttpHeaders.HOST, authority));
    }
    return o;
  }

  /** Requests currently in flight to this instance. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Counts a request sent to this instance (least-requests balancing). */
  public void inFlightIncrement() {
    inFlight.incrementAndGet();
  }

  /** Counts a request to this instance as finished. */
  public void inFlightDecrement() {
    inFlight.decrementAndGet();
  }

  /** Whether active health checks consider it healthy (true without health checks). */
  public boolean healthy() {
    return healthy;
  }

  /** Whether it is ejected at {@code nowNanos}. */
  public boolean ejected(long nowNanos) {
    long until = ejectedUntilNanos;
    return until != 0 && nowNanos - until < 0;
  }

  boolean available(long nowNanos) {
    return healthy && !ejected(nowNanos);
  }

  @Override
  public String toString() {
    return (ssl ? "https://" : "http://") + authority;
  }
}
