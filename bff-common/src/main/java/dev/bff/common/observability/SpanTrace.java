package dev.bff.common.observability;

import dev.bff.common.routing.Exchange;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.vertx.core.MultiMap;

/**
 * A request's trace with an exporter: a SERVER span for the request (route, status) and a CLIENT
 * span per upstream call or endpoint part (upstream, part, outcome, what was served, retries).
 */
final class SpanTrace implements RequestTrace {
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("bff.route");
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("bff.request_id");
  static final AttributeKey<String> ERROR = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> DEGRADED = AttributeKey.stringKey("bff.degraded");
  static final AttributeKey<String> UPSTREAM = AttributeKey.stringKey("bff.upstream");
  static final AttributeKey<String> PART = AttributeKey.stringKey("bff.part");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("bff.outcome");
  static final AttributeKey<String> SERVED = AttributeKey.stringKey("bff.served");
  static final AttributeKey<Long> RETRIES = AttributeKey.longKey("bff.retries");
  private static final TextMapSetter<MultiMap> SETTER = (h, k, v) -> h.set(k, v);

  private final Tracer tracer;
  private final Span server;
  private final Context context;
  private final String method;
  private Client proxy;

  SpanTrace(Tracer tracer, Span server, Context context, String method) {
    this.tracer = tracer;
    this.server = server;
    this.context = context;
    this.method = method;
  }

  @Override
  public String traceId() {
    return server.getSpanContext().getTraceId();
  }

  @Override
  public void inject(MultiMap headers) {
    inject(context, headers);
  }

  static void inject(Context ctx, MultiMap headers) {
    headers.remove(Tracing.TRACESTATE); // a client's; the context's own, if any, is set below
    W3CTraceContextPropagator.getInstance().inject(ctx, headers, SETTER);
  }

  @Override
  public CallSpan call(String upstream, String part) {
    Span s = tracer.spanBuilder(part != null ? "part " + part : method + " " + upstream).setParent(context)
        .setSpanKind(SpanKind.CLIENT).setAttribute(UPSTREAM, upstream).startSpan();
    if (part != null) {
      s.setAttribute(PART, part);
    }
    return new Client(s, context.with(s));
  }

  @Override
  public CallSpan proxy(String upstream) {
    Client c = (Client) call(upstream, null);
    proxy = c;
    return c;
  }

  @Override
  public void retried() {
  }

  @Override
  public void end(String outcome, String served, int status) {
  }

  @Override
  public void finish(Exchange ex, int status) {
    String degraded = ex.response().headers().get(Observer.DEGRADED);
    if (proxy != null) {
      proxy.end(ex.category() != null ? CallSpan.outcome(ex.category()) : ex.aborted() ? "cancelled" : "ok", null,
          ex.category() != null ? 0 : status);
    }
    if (ex.route() != null) {
      server.updateName(method + " " + ex.route().id());
      server.setAttribute(ROUTE, ex.route().id());
      server.setAttribute(HTTP_ROUTE, ex.route().path().toString());
    }
    server.setAttribute(STATUS, (long) status);
    server.setAttribute(REQUEST_ID, ex.requestId());
    if (ex.category() != null) {
      server.setAttribute(ERROR, ex.category().slug());
    }
    if (degraded != null) {
      server.setAttribute(DEGRADED, degraded);
    }
    if (status >= 500) {
      server.setStatus(StatusCode.ERROR);
    }
    server.end();
  }

  /** A client span. */
  static final class Client implements CallSpan {
    private final Span span;
    private final Context context;
    private int retries;
    private boolean ended;

    Client(Span span, Context context) {
      this.span = span;
      this.context = context;
    }

    @Override
    public void inject(MultiMap headers) {
      SpanTrace.inject(context, headers);
    }

    @Override
    public void retried() {
      retries++;
    }

    @Override
    public void end(String outcome, String served, int status) {
      if (ended) {
        return;
      }
      ended = true;
      span.setAttribute(OUTCOME, outcome);
      if (served != null) {
        span.setAttribute(SERVED, served);
      }
      if (status > 0) {
        span.setAttribute(STATUS, (long) status);
      }
      span.setAttribute(RETRIES, (long) retries);
      if (!"ok".equals(outcome) && !"cached".equals(outcome)) {
        span.setStatus(StatusCode.ERROR, outcome);
      }
      span.end();
    }
  }
}
