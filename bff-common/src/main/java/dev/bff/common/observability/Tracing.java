package dev.bff.common.observability;

import dev.bff.common.config.TracingConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * W3C Trace Context for one BFF. Each request continues the client's {@code traceparent} (when
 * {@code tracing.trust-incoming}) or starts a trace, and every upstream call carries the gateway's
 * span as the parent. With {@code tracing.otlp} (or an OpenTelemetry given by the caller) spans are
 * recorded and exported: one SERVER span per request and one CLIENT span per upstream call or
 * endpoint part; without, only ids are made (no SDK objects). New traces are sampled at
 * {@code tracing.sample-ratio}; a trusted parent's decision is kept.
 */
public final class Tracing {
  /** The {@code traceparent} header. */
  public static final CharSequence TRACEPARENT = HttpHeaders.createOptimized("traceparent");
  /** The {@code tracestate} header. */
  public static final CharSequence TRACESTATE = HttpHeaders.createOptimized("tracestate");
  private static final Tracing OFF = new Tracing(false, false, 0, null, null);
  private static final TextMapGetter<HttpServerRequest> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(HttpServerRequest req) {
      return req.headers().names();
    }

    @Override
    public String get(HttpServerRequest req, String key) {
      return req == null ? null : req.getHeader(key);
    }
  };

  private final boolean enabled;
  private final boolean trust;
  private final double ratio;
  private final Tracer tracer; // null: propagation only
  private final SdkTracerProvider owned; // made here from tracing.otlp, shut down here

  private Tracing(boolean enabled, boolean trust, double ratio, Tracer tracer, SdkTracerProvider owned) {
    this.enabled = enabled;
    this.trust = trust;
    this.ratio = ratio;
    this.tracer = tracer;
    this.owned = owned;
  }

  /** No tracing: client headers pass through untouched. */
  public static Tracing off() {
    return OFF;
  }

  /**
   * Tracing per {@code config}.
   *
   * @param service       the {@code service.name} when the config names none
   * @param openTelemetry records and exports spans instead of what {@code tracing.otlp} would make
   *                      (tests hand in an SDK with an in-memory exporter; its own sampler decides); null
   *                      for the configuration's
   */
  public static Tracing of(TracingConfig config, String service, OpenTelemetry openTelemetry) {
    if (!config.enabled()) {
      return OFF;
    }
    if (openTelemetry != null) {
      return new Tracing(true, config.trustIncoming(), config.sampleRatio(), openTelemetry.getTracer("dev.bff"), null);
    }
    if (config.otlp() == null) {
      return new Tracing(true, config.trustIncoming(), config.sampleRatio(), null, null);
    }
    OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint(config.otlp().endpoint().toString())
        .setTimeout(config.otlp().timeout().toMillis(), TimeUnit.MILLISECONDS);
    config.otlp().headers().forEach(exporter::addHeader);
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"),
            config.serviceName() != null ? config.serviceName() : service))))
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter.build()).build())
        .build();
    return new Tracing(true, config.trustIncoming(), config.sampleRatio(), provider.get("dev.bff"), provider);
  }

  /** Whether requests take part in traces. */
  public boolean enabled() {
    return enabled;
  }

  /** Whether spans are recorded (an exporter is configured), beyond propagation. */
  public boolean recording() {
    return tracer != null;
  }

  /** The trace of a new request, or null when tracing is off. */
  public RequestTrace start(HttpServerRequest req) {
    if (!enabled) {
      return null;
    }
    if (tracer != null) {
      Context parent = trust ? W3CTraceContextPropagator.getInstance().extract(Context.root(), req, GETTER)
          : Context.root();
      Span server = tracer.spanBuilder(req.method().name()).setParent(parent).setSpanKind(SpanKind.SERVER)
          .setAttribute("http.request.method", req.method().name())
          .setAttribute("url.path", req.path())
          .startSpan();
      return new SpanTrace(tracer, server, parent.with(server), req.method().name());
    }
    String incoming = trust ? req.getHeader(TRACEPARENT) : null;
    if (incoming != null && TraceParent.valid(incoming)) {
      String state = req.getHeader(TRACESTATE);
      return new IdTrace(TraceParent.child(TraceParent.traceId(incoming), TraceParent.sampled(incoming)),
          state != null && state.length() <= 512 ? state : null); // longer lists may be dropped whole
    }
    boolean sampled = ratio >= 1.0 || (ratio > 0 && ThreadLocalRandom.current().nextDouble() < ratio);
    return new IdTrace(TraceParent.child(null, sampled), null);
  }

  /** Flushes and stops the exporter it made (off the event loop), if any. */
  public Future<Void> close(Vertx vertx) {
    if (owned == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      owned.shutdown().join(10, TimeUnit.SECONDS);
      return null;
    });
  }

  @Override
  public String toString() {
    if (!enabled) {
      return "tracing off";
    }
    return "tracing " + (trust ? "continues" : "restarts") + " client traces, "
        + (tracer == null ? "propagation only (samples " + ratio + " of new traces)"
        : owned != null ? "exports spans over OTLP (samples " + ratio + " of new traces)" : "records spans");
  }
}
