package dev.bff.common.proxy;

import dev.bff.common.config.BodyCheckConfig;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Target;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * A route or endpoint with {@code body-check}: reads the request body (never more than its
 * {@code max-size}), scanning the JSON as it arrives, and only then lets the target serve with the
 * buffered body ({@link Exchange#body()}). Refusals come before any upstream is called: 415 for a
 * body of another content type, 413 for one too large (by Content-Length up front, else while
 * reading), 400 for malformed JSON, nesting deeper than {@code max-depth}, or a missing body that
 * is required. The body is read on the event loop as it arrives; nothing blocks.
 */
public final class BodyCheck implements Target {
  private final Target next;
  private final BodyCheckConfig config;

  /** Checks bodies with {@code config} before {@code next} serves. */
  public BodyCheck(Target next, BodyCheckConfig config) {
    this.next = next;
    this.config = config;
  }

  @Override
  public void serve(Exchange ex) {
    HttpServerRequest req = ex.request();
    String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    long declared = cl == null ? -1 : Long.parseLong(cl.trim()); // Front refused malformed values
    boolean announced = declared > 0 || (declared < 0 && req.version() != HttpVersion.HTTP_2
        && req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null);
    if (announced && !config.accepts(req.getHeader(HttpHeaders.CONTENT_TYPE))) {
      refuse(ex, Category.UNSUPPORTED_MEDIA_TYPE, unsupported());
      return;
    }
    if (declared > config.maxSize()) {
      refuse(ex, Category.BODY_TOO_LARGE, "request body of " + declared + " bytes exceeds the route's limit of "
          + config.maxSize());
      return;
    }
    if (req.isEnded()) {
      decide(ex, Buffer.buffer(), null);
      return;
    }
    new Read(ex).start();
  }

  /** One body being read and scanned. */
  private final class Read {
    private final Exchange ex;
    private final Buffer body = Buffer.buffer();
    private final JsonScan scan = new JsonScan(config.maxDepth());
    private boolean done;

    Read(Exchange ex) {
      this.ex = ex;
    }

    void start() {
      HttpServerRequest req = ex.request();
      req.handler(b -> {
        if (done) {
          return;
        }
        if (body.length() + (long) b.length() > config.maxSize()) {
          done = true;
          refuse(ex, Category.BODY_TOO_LARGE, "request body exceeds the route's limit of " + config.maxSize()
              + " bytes");
          return;
        }
        body.appendBuffer(b);
        String bad = scan.feed(b.getBytes());
        if (bad != null) {
          done = true;
          refuse(ex, Category.BAD_REQUEST, bad);
        }
      });
      req.endHandler(v -> {
        if (!done && !ex.response().ended()) {
          done = true;
          decide(ex, body, scan);
        }
      });
      req.resume(); // paused by an authentication that waited for keys
    }
  }

  private void decide(Exchange ex, Buffer body, JsonScan scan) {
    HttpServerRequest req = ex.request();
    if (body.length() == 0) {
      HttpMethod m = req.method();
      if (config.require() && (m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH)) {
        refuse(ex, Category.BAD_REQUEST, "a JSON request body is required");
        return;
      }
    } else {
      if (!config.accepts(req.getHeader(HttpHeaders.CONTENT_TYPE))) { // HTTP/2 may announce no length
        refuse(ex, Category.UNSUPPORTED_MEDIA_TYPE, unsupported());
        return;
      }
      String bad = scan.end();
      if (bad != null) {
        refuse(ex, Category.BAD_REQUEST, bad);
        return;
      }
    }
    ex.body(body);
    next.serve(ex);
  }

  private String unsupported() {
    return "the request body must be one of " + config.contentTypes();
  }

  /** Answers; a body the client is still sending makes an HTTP/1.x connection unusable, so it closes after. */
  private static void refuse(Exchange ex, Category c, String detail) {
    HttpServerRequest req = ex.request();
    boolean unread = req.version() != HttpVersion.HTTP_2 && !req.isEnded();
    if (unread) {
      ex.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    io.vertx.core.Future<Void> sent = ex.fail(c, detail);
    if (unread) {
      sent.onComplete(v -> req.connection().close());
    }
  }

  @Override
  public String describe() {
    return config + " -> " + next.describe();
  }
}
