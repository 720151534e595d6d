package dev.bff.common.proxy;

import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream answer whose JSON body the route edits ({@code transform.response}): read whole, never
 * more than {@code server.limits.max-body-size}, edited, and written with its own
 * {@code Content-Length} (the response cache, when watching, keeps the edited body). An answer too
 * large, content-coded or not JSON is a 502 problem, logged; the upstream stream is then reset.
 */
final class WholeResponse {
  private static final Logger LOG = LoggerFactory.getLogger(WholeResponse.class);

  private final ProxyCall call;
  private final Exchange ex;
  private final HttpClientResponse cresp;
  private final MultiMap head;
  private final ProxyTarget.ProxySettings settings;
  private final ResponseTap tap;
  private final String upstream;
  private final long max;
  private Buffer body;

  WholeResponse(ProxyCall call, Exchange ex, HttpClientResponse cresp, MultiMap head,
      ProxyTarget.ProxySettings settings, ResponseTap tap, String upstream) {
    this.call = call;
    this.ex = ex;
    this.cresp = cresp;
    this.head = head;
    this.settings = settings;
    this.tap = tap;
    this.upstream = upstream;
    this.max = settings.server().limits().maxBodySize();
  }

  /** Reads the body, then edits and writes it (or answers 502). */
  void read() {
    String coding = BodyTransform.coding(cresp.headers());
    if (coding != null) {
      refuse("content-coded (" + coding + ") although identity was asked for");
      return;
    }
    long declared = declaredLength();
    if (declared > max) {
      refuse("larger than the " + max + " bytes the gateway reads to edit a body (Content-Length " + declared + ")");
      return;
    }
    body = Buffer.buffer(declared > 0 ? (int) Math.min(declared, 1 << 24) : 1024);
    cresp.handler(b -> {
      if (body == null) {
        return;
      }
      if (body.length() + (long) b.length() > max) {
        body = null;
        refuse("larger than the " + max + " bytes the gateway reads to edit a body");
        return;
      }
      body.appendBuffer(b);
    });
    cresp.exceptionHandler(call::broken);
    cresp.endHandler(v -> {
      if (body != null && call.bodyRead()) {
        write();
      }
    });
  }

  private void write() {
    Buffer edited;
    try {
      edited = settings.transform().editAnswer(body);
    } catch (BodyTransform.NotJson e) {
      log(ex.route() == null ? "?" : ex.route().id(), upstream, ex.requestId(), e);
      if (tap != null) {
        tap.abort();
      }
      ex.fail(Category.ERROR, "upstream '" + upstream + "' answered with a body that is " + e.getMessage()
          + ": the route edits JSON answers");
      return;
    }
    body = null;
    head.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(edited.length()));
    call.writeHead(cresp, head);
    ex.response().end(edited);
    if (tap != null) {
      tap.chunk(edited);
      tap.end();
    }
  }

  private void refuse(String why) {
    cresp.exceptionHandler(t -> { }); // the reset below is ours: the answer is this 502, not a broken upstream
    call.abandon(); // resets the upstream stream and tells the tap
    LOG.warn("route answer not edited: upstream '{}' answered {} {} with a body {} (request {})", upstream,
        cresp.statusCode(), ex.path(), why, ex.requestId());
    ex.fail(Category.ERROR, "upstream '" + upstream + "' answered with a body " + why + ": the route edits JSON answers");
  }

  /** Logs an answer that could not be edited. */
  static void log(String route, String upstream, String requestId, BodyTransform.NotJson e) {
    LOG.warn("route '{}': the answer of upstream '{}' is {} and was not edited: {} (request {})", route, upstream,
        e.getMessage(), e.parserMessage(), requestId);
  }

  private long declaredLength() {
    String cl = cresp.headers().get(HttpHeaders.CONTENT_LENGTH);
    if (cl == null) {
      return -1;
    }
    try {
      return Long.parseLong(cl.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
