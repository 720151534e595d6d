package dev.bff.common.routing;

import dev.bff.common.cache.ETags;
import dev.bff.common.config.EndpointConfig;
import dev.bff.common.config.ServerConfig.CompressionConfig;
import dev.bff.common.proxy.Compression;
import dev.bff.common.upstream.UpstreamCalls;
import dev.bff.common.upstream.UpstreamException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Java endpoint: reads the (bounded) body, calls the handler under the endpoint's deadline,
 * and writes its {@link Reply}; failures become problems: an {@link UpstreamException} its
 * category, a deadline 504, anything else 500 (logged, never sent).
 */
public final class EndpointTarget implements Target {
  private static final Logger LOG = LoggerFactory.getLogger(EndpointTarget.class);

  private final String name;
  private final EndpointHandler handler;
  private final EndpointConfig config;
  private final Function<String, UpstreamCalls> upstreams;
  private final long maxBody;
  private final CompressionConfig compression;
  private final String chain;
  private final dev.bff.common.auth.IdentityHeaders identity;

  /**
   * Compiles an endpoint for one event loop.
   *
   * @param chain what the start-up log says runs it: its stages and handler
   */
  public EndpointTarget(String name, EndpointHandler handler, EndpointConfig config,
      Function<String, UpstreamCalls> upstreams, long maxBody, CompressionConfig compression, String chain,
      dev.bff.common.auth.IdentityHeaders identity) {
    this.chain = chain;
    this.identity = identity;
    this.name = name;
    this.handler = handler;
    this.config = config;
    this.upstreams = upstreams;
    this.maxBody = maxBody;
    this.compression = compression;
  }

  @Override
  public void serve(Exchange ex) {
    if (ex.body() != null) { // read and checked already (body-check)
      run(ex, ex.body());
      return;
    }
    if (ex.request().isEnded()) {
      run(ex, Buffer.buffer());
      return;
    }
    Buffer body = Buffer.buffer();
    ex.request().handler(b -> {
      if (body.length() + b.length() > maxBody) {
        ex.request().handler(null);
        ex.response().putHeader(HttpHeaders.CONNECTION, "close");
        Future<Void> sent = ex.fail(Category.BODY_TOO_LARGE, "request body exceeds " + maxBody + " bytes");
        if (ex.request().version() != HttpVersion.HTTP_2) { // else the rest of the body is read and dropped
          sent.onComplete(v -> ex.request().connection().close());
        }
        return;
      }
      body.appendBuffer(b);
    });
    ex.request().endHandler(v -> {
      if (!ex.response().ended()) {
        run(ex, body);
      }
    });
    ex.request().resume(); // paused by an authentication that waited for keys
  }

  private void run(Exchange ex, Buffer body) {
    if (ex.body() == null) {
      ex.body(body); // for the audit log
    }
    Future<Reply> f;
    try {
      f = handler.handle(new BffRequest(ex, body, upstreams, ex.startNanos() + config.deadline().toNanos(), identity));
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    // the deadline is a timer on this event loop (Future.timeout would fire on a global thread for
    // futures without a context), and the reply is written here too
    io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
    boolean[] answered = new boolean[1];
    long timer = ctx.owner().setTimer(config.deadline().toMillis(), id -> {
      if (!answered[0]) {
        answered[0] = true;
        fail(ex, new TimeoutException());
      }
    });
    f.onComplete(ar -> {
      Runnable answer = () -> {
        if (answered[0]) {
          return;
        }
        answered[0] = true;
        ctx.owner().cancelTimer(timer);
        if (ar.succeeded()) {
          write(ex, ar.result());
        } else {
          fail(ex, ar.cause());
        }
      };
      if (io.vertx.core.Vertx.currentContext() == ctx) {
        answer.run();
      } else {
        ctx.runOnContext(v -> answer.run());
      }
    });
  }

  private void fail(Exchange ex, Throwable t) {
    if (t instanceof UpstreamException u) {
      ex.upstream(u.upstream());
      ex.fail(u.category(), u.getMessage());
    } else if (t instanceof TimeoutException) {
      ex.fail(Category.DEADLINE, "endpoint '" + name + "' did not finish within " + config.deadline().toMillis() + "ms");
    } else {
      LOG.error("endpoint {} failed (request {})", name, ex.requestId(), t);
      ex.fail(Category.INTERNAL, "endpoint '" + name + "' failed; see the gateway log for request " + ex.requestId());
    }
  }

  private void write(Exchange ex, Reply reply) {
    HttpServerResponse resp = ex.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    Buffer body;
    try {
      if (reply.problem() != null) { // a problem names the request, like every gateway-made error
        ex.category(reply.problem());
        body = Problem.body(reply.problem(), reply.problemDetail(), ex.path(), ex.requestId());
      } else {
        body = reply.body();
      }
    } catch (RuntimeException e) { // a JSON value that cannot be encoded
      fail(ex, e);
      return;
    }
    resp.setStatusCode(reply.status());
    for (Map.Entry<String, String> e : reply.headers()) {
      resp.headers().add(e.getKey(), e.getValue());
    }
    resp.headers().set(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
    boolean compressed = Compression.decide(compression, ex.request(), resp.headers());
    if (config.etag() && reply.status() == 200 && !resp.headers().contains(HttpHeaders.ETAG)) {
      String coding = compressed ? Compression.coding(ex.request().getHeader(HttpHeaders.ACCEPT_ENCODING)) : null;
      String tag = ETags.of(body, coding);
      resp.headers().set(HttpHeaders.ETAG, tag);
      HttpMethod m = ex.request().method();
      if ((m == HttpMethod.GET || m == HttpMethod.HEAD)
          && ETags.matches(ex.request().getHeader(HttpHeaders.IF_NONE_MATCH), tag)) {
        resp.setStatusCode(304); // the same fields a 200 would carry (ETag, Vary, Cache-Control), no content
        resp.headers().remove(HttpHeaders.CONTENT_LENGTH).remove(HttpHeaders.CONTENT_TYPE);
        if (HttpHeaders.IDENTITY.toString().equals(resp.headers().get(HttpHeaders.CONTENT_ENCODING))) {
          resp.headers().remove(HttpHeaders.CONTENT_ENCODING);
        }
        resp.end();
        return;
      }
    }
    resp.end(body);
  }

  @Override
  public String describe() {
    return "endpoint " + name + " deadline=" + config.deadline().toMillis() + "ms" + (config.etag() ? " etag" : "")
        + (config.fieldsParam() != null ? " fields-param=" + config.fieldsParam() : "") + " " + chain;
  }
}
