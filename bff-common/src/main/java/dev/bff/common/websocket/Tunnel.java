package dev.bff.common.websocket;

import dev.bff.common.config.WebSocketConfig;
import dev.bff.common.observability.WebSocketMeters;
import dev.bff.common.proxy.Forwarding;
import dev.bff.common.proxy.HeaderEdits;
import dev.bff.common.proxy.ProxyTarget;
import dev.bff.common.resilience.Breaker;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import dev.bff.common.upstream.Failures;
import dev.bff.common.upstream.Instance;
import dev.bff.common.upstream.UpstreamClient;
import dev.bff.common.upstream.UpstreamGroup;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.HostAndPort;
import java.util.List;

/**
 * One WebSocket handshake through the gateway: it opens a WebSocket to an instance of the upstream
 * with the client's path (rewritten), forwarding headers, identity headers and subprotocols, and
 * only once the upstream has accepted does it accept the client's, with the upstream's choice of
 * subprotocol; then a {@link Relay} carries the frames. An upstream that refuses the upgrade gets
 * the client a 502, one that cannot be reached a 502 (503 without an available instance or with
 * its circuit open, 504 when its handshake takes longer than the route's timeout), all as
 * problem+json and without upgrading. Counts in the upstream's meters, outlier ejection and circuit
 * breaker like a proxied request; the tunnel counts as a request in flight on its instance while it
 * is open (least-requests balancing sees it).
 */
final class Tunnel {
  /** What every tunnel of one route shares, computed once. */
  record Settings(Vertx vertx, WebSocketConfig config, ProxyTarget proxy, Forwarding forwarding,
      WebSocketMeters meters, int decoderLimit, long handshakeTimeoutMs) {}

  private final Exchange ex;
  private final UpstreamClient client;
  private final UpstreamGroup group;
  private final String uri;
  private final Settings settings;
  private Instance instance;
  private Breaker.Ticket ticket;
  private long sentNanos;
  private boolean clientGone;

  Tunnel(Exchange ex, UpstreamClient client, String uri, Settings settings) {
    this.ex = ex;
    this.client = client;
    this.group = client.group();
    this.uri = uri;
    this.settings = settings;
  }

  void open() {
    ex.upstream(group.name());
    if (group.breaker() != null) {
      ticket = group.breaker().tryAcquire();
      if (ticket == null) {
        group.meters().rejected(Category.CIRCUIT_OPEN);
        fail(Category.CIRCUIT_OPEN, Failures.describe(Category.CIRCUIT_OPEN, group.name()));
        return;
      }
    }
    Instance inst = group.pick();
    if (inst == null) {
      group.meters().rejected(Category.UNAVAILABLE);
      settle(Category.UNAVAILABLE);
      fail(Category.UNAVAILABLE, Failures.describe(Category.UNAVAILABLE, group.name()));
      return;
    }
    instance = inst;
    WebSocketConnectOptions o = options(inst);
    ClientWebSocket ws = client.webSockets(settings.decoderLimit()).webSocket();
    Relay relay = new Relay(settings.vertx(), ws, settings.config(), settings.meters(), inst::inFlightDecrement);
    ex.onClientClose(v -> clientGone = true);
    inst.inFlightIncrement();
    sentNanos = System.nanoTime();
    ws.connect(o).onComplete(ar -> connected(ar, relay));
  }

  /** The upstream handshake: the forwarded headers less the client's handshake, at the instance. */
  private WebSocketConnectOptions options(Instance inst) {
    HttpServerRequest req = ex.request();
    HostAndPort authority = req.authority();
    MultiMap headers = Handshake.strip(settings.forwarding().copiedUpstreamHeaders(req, ex.requestId()));
    if (settings.proxy().route().preserveHost() && authority != null) {
      headers.set(HttpHeaders.HOST, authority.toString());
    }
    HeaderEdits.apply(settings.proxy().route().requestHeaders(), headers);
    if (ex.trace() != null) {
      ex.trace().proxy(group.name()).inject(headers); // the span ends with the exchange: at the 101
    }
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(inst.host()).setPort(inst.port())
        .setSsl(inst.ssl()).setURI(uri).setHeaders(headers).setTimeout(settings.handshakeTimeoutMs())
        // the client's Origin goes on as it came; without one, Netty would make one up
        .setAllowOriginHeader(headers.contains(HttpHeaders.ORIGIN));
    List<String> protocols = Handshake.subprotocols(req);
    if (!protocols.isEmpty()) {
      o.setSubProtocols(protocols);
    }
    if (!headers.contains(HttpHeaders.HOST)) {
      inst.bracketHost(o);
    }
    return o;
  }

  private void connected(AsyncResult<WebSocket> ar, Relay relay) {
    if (ar.failed()) {
      instance.inFlightDecrement();
      failed(ar.cause());
      return;
    }
    WebSocket up = ar.result();
    group.meters().answered(101, sentNanos);
    group.onSuccess(instance);
    settle(null);
    if (clientGone || ex.response().closed()) {
      relay.abort((short) 1001, "the client went away");
      return;
    }
    MultiMap head = settings.proxy().clientHeaders(up.headers(), HttpVersion.HTTP_1_1);
    head.remove(Handshake.ACCEPT).remove(Handshake.EXTENSIONS).remove(HttpHeaders.CONTENT_LENGTH);
    if (up.subProtocol() != null) { // Netty checked it is one the client offered
      head.set(Handshake.PROTOCOL, up.subProtocol());
    } else {
      head.remove(Handshake.PROTOCOL);
    }
    ex.response().headers().addAll(head);
    Future<ServerWebSocket> accepted;
    try {
      accepted = ex.request().toWebSocket();
    } catch (IllegalStateException e) { // the request was read to its end: no WebSocketGate before this target
      accepted = Future.failedFuture(e);
    }
    accepted.onComplete(a -> {
      if (a.failed()) {
        relay.abort((short) 1001, "the client's handshake failed");
        fail(Category.INTERNAL, "the WebSocket handshake with the client failed");
        return;
      }
      ex.upgraded();
      relay.attach(a.result());
    });
  }

  private void failed(Throwable t) {
    if (t instanceof UpgradeRejectedException rejected) {
      int status = rejected.getStatus();
      group.meters().answered(status, sentNanos);
      if (status >= 500) {
        group.onFailure(instance);
        settle(Category.ERROR);
      } else {
        group.onSuccess(instance);
        settle(null);
      }
      fail(Category.ERROR, "upstream '" + group.name() + "' refused the WebSocket upgrade with status " + status);
      return;
    }
    boolean late = System.nanoTime() - sentNanos >= settings.handshakeTimeoutMs() * 1_000_000L;
    Category c = late ? Category.TIMEOUT : t instanceof WebSocketHandshakeException ? Category.ERROR
        : Failures.classify(t);
    if (clientGone) {
      group.meters().cancelled(sentNanos);
    } else {
      group.meters().failed(c, sentNanos);
    }
    if (c != Category.UNAVAILABLE && !clientGone) {
      group.onFailure(instance);
    }
    settle(c);
    fail(c, c == Category.ERROR && t instanceof WebSocketHandshakeException
        ? "upstream '" + group.name() + "' answered the WebSocket upgrade wrongly: " + t.getMessage()
        : Failures.describe(c, group.name()));
  }

  /** Tells the circuit breaker how the handshake went: null for a success. */
  private void settle(Category failure) {
    if (ticket == null) {
      return;
    }
    if (failure == null) {
      ticket.success();
    } else if (Failures.upstreamFault(failure)) {
      ticket.failure();
    } else {
      ticket.neutral();
    }
  }

  /** Answers the client with a problem, unless it left (or was answered). */
  private void fail(Category c, String detail) {
    if (!clientGone) { // the exchange ends the call's span with the answer's status
      ex.fail(c, detail);
    }
  }
}
