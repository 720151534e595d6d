package dev.bff.common.server;

import dev.bff.common.auth.IdentityHeaders;
import dev.bff.common.config.AccessConfig;
import dev.bff.common.config.ServerConfig;
import dev.bff.common.observability.Observer;
import dev.bff.common.proxy.Bodies;
import dev.bff.common.proxy.Forwarding;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Problem;
import dev.bff.common.routing.Route;
import dev.bff.common.routing.RouteTable;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every request: assigns the request id, enforces size limits and path
 * sanity, finds the route and hands the exchange to its target. Everything it rejects is answered
 * with problem+json.
 */
final class Front {
  private static final Logger LOG = LoggerFactory.getLogger(Front.class);
  private static final String REQUEST_ID = "x-request-id";
  private static final CharSequence NOSNIFF_NAME = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence HSTS_NAME = HttpHeaders.createOptimized("Strict-Transport-Security");
  private static final CharSequence HSTS = HttpHeaders.createOptimized("max-age=31536000");

  private final RouteTable table;
  private final int maxRequestLine;
  private final long maxBody;
  private final Observer observer;
  private final Consumer<Exchange> onComplete;
  private final IdentityHeaders identity;
  private final Forwarding forwarding;
  private final AccessConfig.IpFilter ipFilter;
  private final Cors cors;
  private final boolean securityHeaders;
  private final DenyRules deny; // null without deny rules
  private final boolean compression;

  Front(Gateway gateway, RouteTable table, Forwarding forwarding) {
    this.table = table;
    ServerConfig sc = gateway.config().server();
    this.maxRequestLine = sc.limits().maxRequestLine();
    this.maxBody = sc.limits().maxBodySize();
    this.observer = new Observer(gateway.metrics(), gateway.tracing(), sc.accessLog(), gateway.audit(), table.routes());
    this.onComplete = observer.onComplete();
    this.identity = gateway.identity();
    this.forwarding = forwarding;
    this.ipFilter = sc.ipFilter();
    this.cors = sc.cors() == null ? null : new Cors(sc.cors());
    this.securityHeaders = sc.securityHeaders();
    this.deny = DenyRules.of(sc.hardening());
    this.compression = sc.compression().enabled();
  }

  void handle(HttpServerRequest req) {
    if (StrictDecoder.behindLastRequest(req)) { // read before its connection was given up: never served
      req.connection().close();
      return;
    }
    String rid = RequestIds.acceptOrGenerate(req.getHeader(REQUEST_ID));
    HttpServerResponse resp = req.response();
    resp.putHeader(REQUEST_ID, rid);
    if (compression && req.version() == HttpVersion.HTTP_2) {
      Http2Encoding.watch(req);
    }
    String path = req.path();
    Exchange ex = new Exchange(req, rid, path, onComplete);
    observer.begin(ex);
    if (securityHeaders) {
      resp.headers().set(NOSNIFF_NAME, NOSNIFF);
      if (req.isSSL()) {
        resp.headers().set(HSTS_NAME, HSTS);
      }
    }
    if (!identity.isEmpty()) {
      identity.strip(req.headers()); // only a verified token sets them, on every route
    }
    try {
      String te = req.version() == HttpVersion.HTTP_2 ? null : req.getHeader(HttpHeaders.TRANSFER_ENCODING);
      if (te != null && !framing(ex, te)) {
        return;
      }
      String badHost = hostProblem(req);
      if (badHost != null) {
        reject(ex, Category.BAD_REQUEST, badHost);
        return;
      }
      if (req.uri().length() > maxRequestLine) {
        reject(ex, Category.URI_TOO_LONG, "the request URI is longer than " + maxRequestLine + " bytes");
        return;
      }
      String bad = PathCheck.problem(path);
      if (bad == null) {
        bad = PathCheck.queryProblem(req.query());
      }
      if (bad != null) {
        reject(ex, Category.BAD_REQUEST, bad);
        return;
      }
      if (deny != null && deny.matches(req, path, req.query())) {
        reject(ex, Category.DENIED, "the request matched a deny rule", false); // the path is what matched
        return;
      }
      if (!ipFilter.isEmpty() && !ipFilter.permits(forwarding.clientAddress(req))) {
        reject(ex, Category.FORBIDDEN, "the client's address is not allowed");
        return;
      }
      if (cors != null && cors.handle(ex)) {
        return; // a preflight, answered
      }
      String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (cl != null) {
        long n = contentLength(req);
        if (n < 0) {
          reject(ex, Category.BAD_REQUEST, "invalid Content-Length");
          return;
        }
        if (n > maxBody) {
          reject(ex, Category.BODY_TOO_LARGE, "request body of " + n + " bytes exceeds the limit of " + maxBody);
          return;
        }
      }
      Route route = table.resolve(req, path, ex);
      if (route == null) {
        if (!ex.allowedMethods().isEmpty()) {
          resp.putHeader(HttpHeaders.ALLOW, ex.allowedMethods().stream().map(HttpMethod::name)
              .collect(Collectors.joining(", ")));
          reject(ex, Category.METHOD_NOT_ALLOWED, "method " + req.method().name() + " is not allowed here");
        } else {
          reject(ex, Category.NO_ROUTE, "no route matches " + req.method().name() + " " + path);
        }
        return;
      }
      observer.routed(ex, route);
      route.target().serve(ex);
    } catch (RuntimeException e) {
      LOG.error("request {} failed in the gateway", rid, e);
      ex.fail(Category.INTERNAL, "the gateway failed; see its log for request " + rid);
    }
  }

  /** Answers a request the HTTP decoder could not parse (too long line or headers, bad syntax). */
  void invalid(HttpServerRequest req) {
    DecoderResult result = req.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    Category c = cause instanceof TooLongHttpLineException ? Category.URI_TOO_LONG
        : cause instanceof TooLongHttpHeaderException ? Category.HEADERS_TOO_LARGE : Category.BAD_REQUEST;
    String detail = switch (c) {
      case URI_TOO_LONG -> "the request line is longer than " + maxRequestLine + " bytes";
      case HEADERS_TOO_LARGE -> "the request headers are larger than allowed";
      default -> "the request is not valid HTTP";
    };
    String rid = RequestIds.generate();
    HttpServerResponse resp = req.response();
    resp.putHeader(REQUEST_ID, rid).putHeader(HttpHeaders.CONNECTION, "close");
    // the request line was read unless it was too long or unparseable (then Netty's placeholder is the URI)
    String instance = c == Category.HEADERS_TOO_LARGE ? req.path() : null;
    long start = System.nanoTime();
    Problem.send(resp, c, detail, instance, rid).onComplete(v -> {
      observer.invalid(resp.getStatusCode(), System.nanoTime() - start, resp.bytesWritten());
      req.connection().close();
    });
  }

  /**
   * Refuses ambiguous framing with 400 and closes the connection (what follows on it cannot be
   * told apart from the body); returns whether the request may go on.
   */
  private boolean framing(Exchange ex, String te) {
    HttpServerRequest req = ex.request();
    String bad = Framing.problem(req, te);
    if (bad != null) {
      StrictDecoder.discardRest(req);
      ex.response().putHeader(HttpHeaders.CONNECTION, "close");
      ex.fail(Category.BAD_REQUEST, bad).onComplete(v -> req.connection().close());
      return false;
    }
    if (StrictDecoder.unverified(req)) { // its Content-Length may have been dropped unseen: end the connection
      ex.response().putHeader(HttpHeaders.CONNECTION, "close");
      ex.response().bodyEndHandler(v -> req.connection().close());
    }
    return true;
  }

  private void reject(Exchange ex, Category c, String detail) {
    reject(ex, c, detail, true);
  }

  /** Answers a problem (naming the path as its instance or not); closes the connection after if a body is unread. */
  private void reject(Exchange ex, Category c, String detail, boolean withInstance) {
    HttpServerRequest req = ex.request();
    boolean unreadBody = req.version() != HttpVersion.HTTP_2 && !req.isEnded() && Bodies.hasBody(req);
    if (unreadBody) {
      ex.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    io.vertx.core.Future<Void> sent;
    if (withInstance) {
      sent = ex.fail(c, detail);
    } else {
      ex.category(c);
      sent = Problem.send(ex.response(), c, detail, null, ex.requestId());
    }
    if (unreadBody) {
      sent.onComplete(v -> req.connection().close());
    }
  }

  /**
   * What is wrong with the request's Host, or null: an HTTP/1.1 request needs exactly one (RFC 9112
   * 3.2: a proxy cannot tell which of two to believe, nor where one without any is meant to go;
   * HTTP/1.0 may omit it, HTTP/2 names it in :authority), and it must parse.
   */
  private static String hostProblem(HttpServerRequest req) {
    if (req.version() == HttpVersion.HTTP_1_1) {
      String host = req.getHeader(HttpHeaders.HOST);
      if (host == null) {
        return "an HTTP/1.1 request needs a Host header";
      }
      if (req.headers().getAll(HttpHeaders.HOST).size() > 1) { // a one-element list for the common case
        return "the request has more than one Host header";
      }
    }
    return validAuthority(req) ? null : "the Host header is not a valid host[:port]";
  }

  /**
   * Whether the request's authority (Host, or :authority) parses, or is absent. Vert.x's parser
   * throws on some values ({@code sh%op}), and every later reader of it (routing by host, the
   * proxy's Host and X-Forwarded-Host) would throw again, some of them after an asynchronous step
   * where nothing answers the client. Parsed once here, it is kept by the request.
   */
  private static boolean validAuthority(HttpServerRequest req) {
    try {
      req.authority();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static long contentLength(HttpServerRequest req) {
    java.util.List<String> all = req.headers().getAll(HttpHeaders.CONTENT_LENGTH);
    long value = -1;
    for (String v : all) {
      String t = v.trim();
      if (t.isEmpty() || t.length() > 18) {
        return -1;
      }
      for (int i = 0; i < t.length(); i++) {
        if (t.charAt(i) < '0' || t.charAt(i) > '9') {
          return -1;
        }
      }
      long n = Long.parseLong(t);
      if (value >= 0 && value != n) {
        return -1;
      }
      value = n;
    }
    return value;
  }
}
