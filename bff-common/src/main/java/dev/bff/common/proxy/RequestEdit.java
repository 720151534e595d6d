package dev.bff.common.proxy;

import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The request half of a route's {@code transform}: a JSON request body is read whole (never more
 * than {@code server.limits.max-body-size}; a body a {@code body-check} read already is taken as it
 * is), edited, and left in {@link Exchange#body()} for the proxy to send with its new length. Other
 * bodies, and requests without one, go on untouched and unread. Refusals come before any upstream
 * is called: 413 for a body too large, 400 for one that is not JSON, 415 for a content-coded one.
 */
final class RequestEdit {
  private final Exchange ex;
  private final BodyTransform transform;
  private final long maxBody;
  private final Runnable proceed;
  private final Runnable abandon;
  private Buffer body;
  private boolean done;

  private RequestEdit(Exchange ex, BodyTransform transform, long maxBody, Runnable proceed, Runnable abandon) {
    this.ex = ex;
    this.transform = transform;
    this.maxBody = maxBody;
    this.proceed = proceed;
    this.abandon = abandon;
  }

  /**
   * Runs {@code proceed} once the body is edited (at once when there is nothing to edit); runs
   * {@code abandon} instead when the request is refused or the client leaves while it is read.
   */
  static void run(Exchange ex, BodyTransform transform, long maxBody, Runnable proceed, Runnable abandon) {
    HttpServerRequest req = ex.request();
    if (transform == null || !transform.editsRequest(req.getHeader(HttpHeaders.CONTENT_TYPE))) {
      proceed.run();
      return;
    }
    RequestEdit edit = new RequestEdit(ex, transform, maxBody, proceed, abandon);
    if (ex.body() != null) {
      edit.edit(ex.body());
    } else if (!Bodies.hasBody(req)) {
      proceed.run();
    } else {
      edit.read();
    }
  }

  private void read() {
    HttpServerRequest req = ex.request();
    String coding = BodyTransform.coding(req.headers());
    if (coding != null) {
      refuse(Category.UNSUPPORTED_MEDIA_TYPE, "the route edits JSON request bodies and cannot read one sent with "
          + "Content-Encoding: " + coding);
      return;
    }
    String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (cl != null && Long.parseLong(cl.trim()) > maxBody) { // Front refused malformed lengths
      refuse(Category.BODY_TOO_LARGE, "request body exceeds " + maxBody + " bytes");
      return;
    }
    body = Buffer.buffer();
    ex.onClientClose(v -> stop());
    req.handler(b -> {
      if (done) {
        return;
      }
      if (body.length() + (long) b.length() > maxBody) {
        refuse(Category.BODY_TOO_LARGE, "request body exceeds " + maxBody + " bytes");
        return;
      }
      body.appendBuffer(b);
    });
    req.exceptionHandler(t -> stop());
    req.endHandler(v -> {
      if (!done) {
        edit(body);
      }
    });
    req.resume(); // paused by an authentication or rate limit that waited
  }

  private void edit(Buffer original) {
    done = true;
    if (ex.response().closed()) {
      abandon.run();
      return;
    }
    try {
      ex.body(transform.editRequest(original));
    } catch (BodyTransform.NotJson e) {
      refuse(Category.BAD_REQUEST, "the request body is " + e.getMessage());
      return;
    }
    proceed.run();
  }

  private void refuse(Category c, String detail) {
    done = true;
    abandon.run();
    ex.refuse(c, detail);
  }

  private void stop() {
    if (!done) {
      done = true;
      abandon.run();
    }
  }
}
