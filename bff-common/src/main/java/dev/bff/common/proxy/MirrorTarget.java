package dev.bff.common.proxy;

import dev.bff.common.observability.MirrorMeters;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Target;
import dev.bff.common.upstream.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Copies a share of a route's requests to a shadow upstream, then serves the request as usual. The
 * copy goes out beside the real request (same method, upstream path and headers, plus
 * {@code X-Shadow-Request: true}) and its answer is read and dropped: it never delays, changes or
 * fails the real answer. A hanging shadow holds at most its own pool and queue (then copies fail
 * fast and are counted). Which requests are copied is spread evenly: with 10 percent, every tenth
 * request of an event loop. A request body is copied when it was read already ({@code body-check});
 * one that streams to the real upstream unread is not copied (counted as skipped).
 */
public final class MirrorTarget implements Target {
  private final Target next;
  private final ProxyTarget proxy;
  private final UpstreamClient shadow;
  private final double percent;
  private final MirrorMeters meters;
  private double credit;

  /**
   * Mirrors {@code percent} of the requests {@code next} serves to {@code shadow}, built like
   * {@code proxy} builds its upstream requests.
   */
  public MirrorTarget(Target next, ProxyTarget proxy, UpstreamClient shadow, double percent, MirrorMeters meters) {
    this.next = next;
    this.proxy = proxy;
    this.shadow = shadow;
    this.percent = percent;
    this.meters = meters;
  }

  @Override
  public void serve(Exchange ex) {
    if (chosen()) {
      copy(ex);
    }
    next.serve(ex);
  }

  /** Whether this request is copied: the share accumulates per request, a copy spends 100. */
  private boolean chosen() {
    credit += percent;
    if (credit >= 100) {
      credit -= 100;
      return true;
    }
    return false;
  }

  private void copy(Exchange ex) {
    Buffer body = ex.body();
    if (body == null && Bodies.hasBody(ex.request())) {
      meters.skipped();
      return;
    }
    Future<?> sent;
    try {
      sent = proxy.shadow(ex, shadow, body);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.onComplete(ar -> {
      if (ar.succeeded()) {
        meters.answered();
      } else {
        meters.failed();
      }
    });
  }

  @Override
  public String describe() {
    return next.describe() + " mirror=" + shadow.group().name() + "@" + percent + "%";
  }
}
