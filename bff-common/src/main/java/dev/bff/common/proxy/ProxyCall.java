package dev.bff.common.proxy;

import dev.bff.common.observability.CallSpan;
import dev.bff.common.resilience.Breaker;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import dev.bff.common.upstream.Failures;
import dev.bff.common.upstream.Instance;
import dev.bff.common.upstream.Methods;
import dev.bff.common.upstream.UpstreamClient;
import dev.bff.common.upstream.UpstreamGroup;
import io.vertx.core.AsyncResult;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;

/**
 * One proxied request: picks an instance, streams the request body up and the response body down
 * with back-pressure, and turns failures into problems. Idempotent requests without a body are
 * retried on another instance (or a fresh connection) when the connection failed before any
 * response, within the upstream's retry budget.
 */
final class ProxyCall {
  private final Exchange ex;
  private final HttpServerRequest req;
  private final HttpServerResponse resp;
  private final UpstreamClient client;
  private final UpstreamGroup group;
  private final String uri;
  private final ProxyTarget.ProxySettings settings;
  private final MultiMap headers;
  private final String acceptEncoding; // the client's, read before forwarding edits the request's headers
  private boolean hasBody;
  private final Buffer buffered; // the whole body, read ahead by a body check; null when it streams
  private Buffer early;
  private final long maxBody;
  private Instance instance;
  private HttpClientRequest creq;
  private int tries;
  private Instance[] tried; // instances that failed this request, allocated on the first retry
  private long received;
  private boolean released = true;
  private boolean done;
  private final Deadlines deadlines;
  private Deadlines.Entry deadline;
  private boolean timedOut;
  private Breaker.Ticket ticket; // when the upstream has a circuit breaker
  private final ResponseTap tap; // the response cache watching this call, or null
  private long sentNanos; // when the current attempt was sent (metrics)
  private CallSpan span; // with tracing: the client span, ended with the exchange

  ProxyCall(Exchange ex, UpstreamClient client, String uri, Forwarding forwarding, ProxyTarget.ProxySettings settings,
      Deadlines deadlines) {
    this(ex, client, uri, forwarding, settings, deadlines, null, null);
  }

  /**
   * A call watched by {@code tap}; {@code conditional} (when not null) replaces the client's
   * {@code If-None-Match} and {@code If-Modified-Since}: the cache asks on its own behalf.
   */
  ProxyCall(Exchange ex, UpstreamClient client, String uri, Forwarding forwarding, ProxyTarget.ProxySettings settings,
      Deadlines deadlines, ResponseTap tap, MultiMap conditional) {
    this.ex = ex;
    this.tap = tap;
    this.deadlines = deadlines;
    this.req = ex.request();
    this.resp = ex.response();
    this.client = client;
    this.group = client.group();
    this.uri = uri;
    this.settings = settings;
    this.buffered = ex.body();
    this.hasBody = buffered != null ? buffered.length() > 0 : Bodies.hasBody(req);
    this.maxBody = settings.server().limits().maxBodySize();
    this.acceptEncoding = req.getHeader(HttpHeaders.ACCEPT_ENCODING);
    HostAndPort clientAuthority = req.authority(); // read before Forwarding removes Host
    this.headers = forwarding.upstreamHeaders(req, ex.requestId());
    if (settings.preserveHost() && clientAuthority != null) {
      // a header, not the request's authority: Vert.x keys its pools by authority, one pool per client Host
      headers.set(HttpHeaders.HOST, clientAuthority.toString());
    }
    HeaderEdits.apply(settings.requestOps(), headers);
    if (settings.transform() != null) {
      settings.transform().prepare(headers);
    }
    if (conditional != null) {
      headers.remove(HttpHeaders.IF_NONE_MATCH).remove(HttpHeaders.IF_MODIFIED_SINCE).addAll(conditional);
    }
    if (hasBody && buffered != null) { // sent whole: its own length, whatever the client's framing was
      headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(buffered.length()));
    }
  }

  void start() {
    ex.upstream(group.name());
    if (ex.trace() != null) {
      span = ex.trace().proxy(group.name());
      span.inject(headers);
    }
    if (group.breaker() != null) {
      ticket = group.breaker().tryAcquire();
      if (ticket == null) {
        group.meters().rejected(Category.CIRCUIT_OPEN);
        finish(Category.CIRCUIT_OPEN);
        return;
      }
    }
    ex.onClientClose(v -> clientGone());
    group.retryBudget().onRequest();
    if (hasBody && buffered == null && req.version() == HttpVersion.HTTP_2
        && req.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
      // HTTP/2 ends a bodiless request (END_STREAM on HEADERS) only after this handler returns: keep what
      // arrives meanwhile and decide one tick later, so a GET is not sent chunked and stays retryable
      req.handler(b -> {
        early = early == null ? Buffer.buffer().appendBuffer(b) : early.appendBuffer(b);
        req.pause();
      });
      Vertx.currentContext().runOnContext(v -> {
        hasBody = early != null || !req.isEnded();
        if (hasBody) {
          req.pause();
        }
        if (!done) {
          attempt();
        }
      });
      return;
    }
    if (hasBody && buffered == null) {
      req.pause();
    }
    attempt();
  }

  private void attempt() {
    Instance inst = tries == 0 ? group.pick() : group.pick(tried, Math.min(tries, tried.length));
    if (inst == null) {
      group.meters().rejected(Category.UNAVAILABLE);
      finish(Category.UNAVAILABLE);
      return;
    }
    instance = inst;
    sentNanos = System.nanoTime();
    released = false;
    inst.inFlightIncrement();
    RequestOptions o = new RequestOptions()
        .setServer(inst.address())
        .setMethod(req.method())
        .setURI(uri)
        .setHeaders(headers)
        .setSsl(inst.ssl())
        .setHost(inst.host())
        .setPort(inst.port());
    if (!headers.contains(HttpHeaders.HOST)) { // preserve-host already put the client's Host there
      inst.bracketHost(o);
    }
    if (group.tls() != null) {
      group.tls().withServerName(o, inst);
    }
    (tries > 0 ? client.freshClient() : client.client()).request(o).onComplete(this::connected);
  }

  private void connected(AsyncResult<HttpClientRequest> ar) {
    if (ar.failed()) {
      failed(ar.cause());
      return;
    }
    creq = client.prepare(ar.result());
    if (done) {
      creq.reset();
      release();
      return;
    }
    creq.response().onComplete(this::responded);
    if (!hasBody) {
      deadline = deadlines.start(this);
      creq.end();
      return;
    }
    if (buffered != null) {
      deadline = deadlines.start(this);
      creq.end(buffered);
      return;
    }
    if (headers.get(HttpHeaders.CONTENT_LENGTH) == null) {
      creq.setChunked(true);
    }
    req.handler(this::uploadChunk);
    req.endHandler(v -> {
      if (!done) {
        deadline = deadlines.start(this);
        creq.end();
      }
    });
    req.exceptionHandler(t -> abortUpstream());
    Buffer first = early;
    early = null;
    if (first != null) {
      uploadChunk(first);
    }
    if (!done && !creq.writeQueueFull()) {
      req.resume();
    }
  }

  private void uploadChunk(Buffer b) {
    received += b.length();
    if (received > maxBody) {
      abortUpstream();
      resp.putHeader(HttpHeaders.CONNECTION, "close");
      closeClientAfter(ex.fail(Category.BODY_TOO_LARGE, "request body exceeds " + maxBody + " bytes"));
      return;
    }
    creq.write(b);
    if (creq.writeQueueFull()) {
      req.pause();
      creq.drainHandler(v -> req.resume());
    }
  }

  /** The response head did not arrive within the route's response timeout: 504, never retried. */
  void responseTimedOut() {
    deadline = null;
    if (timedOut || done) {
      return;
    }
    timedOut = true;
    group.meters().failed(Category.TIMEOUT, sentNanos);
    creq.reset(); // closes the upstream connection (HTTP/1.1) or the stream (HTTP/2)
    if (instance != null) {
      group.onFailure(instance);
    }
    release();
    finish(Category.TIMEOUT);
  }

  private void responded(AsyncResult<HttpClientResponse> ar) {
    if (deadline != null) {
      deadlines.stop(deadline);
      deadline = null;
    }
    if (timedOut) {
      return;
    }
    if (ar.failed()) {
      failed(ar.cause());
      return;
    }
    HttpClientResponse cresp = ar.result();
    int status = cresp.statusCode();
    group.meters().answered(status, sentNanos);
    if (status >= 500) {
      group.onFailure(instance);
      if (!hasBody && status != 501 && group.config().retry().onStatus().contains(status) && mayRetry()) {
        release();
        cresp.body().onComplete(x -> retry());
        return;
      }
    } else {
      group.onSuccess(instance);
    }
    if (ticket != null) {
      if (status >= 500) {
        ticket.failure();
      } else {
        ticket.success();
      }
    }
    if (done) {
      creq.reset();
      release();
      return;
    }
    BodyTransform transform = settings.transform();
    MultiMap head = transform == null ? cresp.headers() : transform.answerHead(status, req.method(), cresp.headers());
    if (tap != null && tap.head(status, head, cresp.version())) { // answered from the cache: the body is not wanted
      done = true;
      cresp.body().onComplete(x -> release());
      return;
    }
    if (transform != null && transform.editsAnswer(status, req.method(), cresp.headers())) {
      new WholeResponse(this, ex, cresp, head, settings, tap, group.name()).read();
      return;
    }
    writeHead(cresp, head);
    cresp.handler(this::downloadChunk);
    cresp.exceptionHandler(this::broken);
    cresp.endHandler(v -> {
      release();
      done = true;
      MultiMap trailers = cresp.trailers();
      if (trailers != null && !trailers.isEmpty()) {
        resp.trailers().addAll(trailers);
      }
      resp.end();
      if (tap != null) {
        tap.end();
      }
    });
  }

  /** Sets the client response's status and head from the upstream's (with {@code head} as its headers). */
  void writeHead(HttpClientResponse cresp, MultiMap head) {
    resp.setStatusCode(cresp.statusCode());
    String message = cresp.statusMessage();
    if (message != null && !message.isEmpty()) {
      resp.setStatusMessage(message);
    }
    ResponseHead.copy(head, cresp.version(), cresp.statusCode(), req, acceptEncoding, resp, settings);
  }

  /** The upstream failed mid-body: cut the client response so it is never taken as complete. */
  void broken(Throwable t) {
    if (!done) { // else we reset it ourselves (the client left)
      group.onFailure(instance);
      group.meters().broken(Failures.classify(t));
    }
    release();
    done = true;
    if (tap != null) {
      tap.abort();
    }
    ex.fail(Failures.classify(t), Failures.describe(Failures.classify(t), group.name()));
  }

  /**
   * The upstream body was read to its end; returns false when the client left meanwhile (nothing is
   * to be written then).
   */
  boolean bodyRead() {
    release();
    boolean wanted = !done;
    done = true;
    return wanted;
  }

  /** The upstream body is not wanted after all (too large, not readable): the upstream stream is reset. */
  void abandon() {
    abortUpstream();
  }

  private void downloadChunk(Buffer b) {
    if (tap != null) {
      tap.chunk(b);
    }
    resp.write(b);
    if (resp.writeQueueFull()) {
      HttpClientResponse cresp = creq.response().result();
      cresp.pause();
      resp.drainHandler(v -> cresp.resume());
    }
  }

  private void failed(Throwable t) {
    Category c = Failures.classify(t);
    if (done) {
      group.meters().cancelled(sentNanos);
    } else {
      group.meters().failed(c, sentNanos);
    }
    // neither our own reset (the client left) nor a full local pool says anything about the instance
    if (instance != null && !done && c != Category.UNAVAILABLE) {
      group.onFailure(instance);
    }
    release();
    if (!done && !hasBody && Failures.retryable(c) && mayRetry()) {
      retry();
      return;
    }
    finish(c);
  }

  private void retry() {
    if (tried == null) {
      tried = new Instance[group.config().retry().attempts()];
    }
    tried[Math.min(tries, tried.length) - 1] = instance;
    if (span != null) {
      span.retried();
    }
    attempt();
  }

  private boolean mayRetry() {
    return Methods.idempotent(req.method()) && tries++ < group.config().retry().attempts()
        && group.retryBudget().tryRetry();
  }

  private void finish(Category c) {
    if (done) {
      return;
    }
    done = true;
    if (ticket != null) {
      if (Failures.upstreamFault(c)) {
        ticket.failure();
      } else {
        ticket.neutral();
      }
    }
    if (tap != null && tap.failed(c)) {
      return; // served stale
    }
    io.vertx.core.Future<Void> sent = ex.fail(c, Failures.describe(c, group.name()));
    if (hasBody && !req.isEnded()) { // the unread body makes the connection unusable
      closeClientAfter(sent);
    }
  }

  private void clientGone() {
    if (!done) {
      done = true;
      abortUpstream();
    }
  }

  private void abortUpstream() {
    done = true;
    if (tap != null) {
      tap.abort();
    }
    if (ticket != null) {
      ticket.neutral(); // a no-op when the response head already told
    }
    if (deadline != null) {
      deadlines.stop(deadline);
      deadline = null;
    }
    if (creq != null) {
      creq.reset();
    }
    release();
  }

  private void closeClientAfter(io.vertx.core.Future<Void> sent) {
    if (req.version() != HttpVersion.HTTP_2) {
      sent.onComplete(v -> req.connection().close());
    }
  }

  private void release() {
    if (!released) {
      released = true;
      instance.inFlightDecrement();
    }
  }
}
