package dev.bff.common.proxy;

import dev.bff.common.config.Cidr;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.Map;

/**
 * Builds the headers sent upstream: the client's headers less hop-by-hop ones, plus
 * {@code X-Forwarded-For/-Proto/-Host}, {@code Via} and {@code X-Request-Id}. Client-supplied
 * forwarding headers are kept only when the peer is a trusted proxy.
 */
public final class Forwarding {
  /** The pseudonym this gateway uses in {@code Via}. */
  public static final String VIA_NAME = "bff";

  private final Cidr[] trusted;

  /** Trusts forwarding headers from peers inside {@code trustedProxies}. */
  public Forwarding(List<Cidr> trustedProxies) {
    this.trusted = trustedProxies.toArray(new Cidr[0]);
  }

  /** Whether the peer address is a trusted proxy. */
  public boolean trusted(String address) {
    for (Cidr c : trusted) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client's address: the peer, or, when the peer is a trusted proxy, the right-most untrusted
   * address of {@code X-Forwarded-For}.
   */
  public String clientAddress(HttpServerRequest req) {
    String peer = peer(req);
    if (trusted.length == 0 || !trusted(peer)) {
      return peer;
    }
    String xff = String.join(",", req.headers().getAll("x-forwarded-for"));
    String[] hops = xff.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String h = hops[i].trim();
      if (!h.isEmpty() && !trusted(h)) {
        return h;
      }
    }
    return peer;
  }

  /**
   * Returns the header map to send upstream. For HTTP/1.x the request's own map is edited in place
   * (no copy); for HTTP/2 the regular headers are copied.
   */
  public MultiMap upstreamHeaders(HttpServerRequest req, String requestId) {
    return forwarded(req, requestId, req.version() == HttpVersion.HTTP_2 ? copy(req) : req.headers());
  }

  /**
   * Like {@link #upstreamHeaders}, always on a copy: the request's own headers stay as they came
   * (a WebSocket handshake the gateway accepts later is read from them).
   */
  public MultiMap copiedUpstreamHeaders(HttpServerRequest req, String requestId) {
    return forwarded(req, requestId, copy(req));
  }

  private static MultiMap copy(HttpServerRequest req) {
    MultiMap out = HttpHeaders.headers();
    for (Map.Entry<String, String> e : req.headers()) {
      if (e.getKey().charAt(0) != ':') {
        out.add(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private MultiMap forwarded(HttpServerRequest req, String requestId, MultiMap out) {
    HostAndPort authority = req.authority(); // read before Host is removed: HTTP/1 derives it from Host
    HopByHop.strip(out);
    out.remove(HttpHeaders.HOST).remove(HttpHeaders.EXPECT);
    String peer = peer(req);
    boolean trust = trusted.length > 0 && trusted(peer);
    String xff = trust ? joined(out, "x-forwarded-for") : null;
    out.set("x-forwarded-for", xff == null ? peer : xff + ", " + peer);
    if (!trust || !out.contains("x-forwarded-proto")) {
      out.set("x-forwarded-proto", req.isSSL() ? "https" : "http");
    }
    if (!trust || !out.contains("x-forwarded-host")) {
      HostAndPort a = authority;
      if (a != null) {
        out.set("x-forwarded-host", a.port() > 0 ? a.host() + ":" + a.port() : a.host());
      } else {
        out.remove("x-forwarded-host");
      }
    }
    if (!trust) {
      out.remove("forwarded");
    }
    String via = joined(out, "via");
    String me = viaEntry(req.version());
    out.set("via", via == null ? me : via + ", " + me);
    out.set("x-request-id", requestId);
    return out;
  }

  /** This hop's {@code Via} entry for a protocol version, e.g. {@code 1.1 bff}. */
  public static String viaEntry(HttpVersion v) {
    return switch (v) {
      case HTTP_2 -> "2 " + VIA_NAME;
      case HTTP_1_0 -> "1.0 " + VIA_NAME;
      default -> "1.1 " + VIA_NAME;
    };
  }

  private static String joined(MultiMap h, String name) {
    List<String> all = h.getAll(name);
    return all.isEmpty() ? null : all.size() == 1 ? all.get(0) : String.join(", ", all);
  }

  private static String peer(HttpServerRequest req) {
    SocketAddress a = req.remoteAddress();
    String host = a == null ? null : a.hostAddress();
    return host == null ? "unknown" : host;
  }
}
