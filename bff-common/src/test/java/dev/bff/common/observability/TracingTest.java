package dev.bff.common.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.Reply;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * W3C Trace Context through a real gateway: the traceparent every upstream call receives, the
 * client's context continued or not, and (with an in-memory exporter) one server span per request and
 * one client span per part or call, all of one trace, the server span their parent.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class TracingTest {
  static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String CLIENT_PARENT = "00f067aa0ba902b7";
  static final String CLIENT_TRACEPARENT = "00-" + CLIENT_TRACE + "-" + CLIENT_PARENT + "-01";
  static final Duration WAIT = Duration.ofSeconds(10);
  static final String YAML = """
      tracing: %s
      upstreams:
        catalog: { instances: ["${SVC}"], retry: { attempts: 0 } }
        reviews: { instances: ["${SVC}"], retry: { attempts: 0 } }
        stock:   { instances: ["${SVC}"], retry: { attempts: 0 } }
        twice:   { instances: ["${RESETS}"], retry: { attempts: 1 }, outlier: { consecutive-failures: 0 } }
      routes:
        - { id: products, path: "/api/products/**", upstream: catalog, strip-prefix: /api }
        - { id: retried, path: "/retried/**", upstream: twice }
      endpoints:
        page:
          path: /page/:id
          parts:
            product: { upstream: catalog, path: "/products/{id}", required: true }
            reviews: { upstream: reviews, path: "/reviews/{id}" }
            stock:   { upstream: stock, path: "/stock/{id}" }
      """;

  /** A Java endpoint that calls two upstreams itself (no composition). */
  static final class CallingBff implements BffModule {
    @Override
    public String name() {
      return "tracing-test";
    }

    @Override
    public void endpoints(Endpoints e) {
      e.get("both", "/both", r -> Future.all(r.upstream("catalog").getJson("/a"), r.upstream("stock").getJson("/b"))
          .map(x -> Reply.json(new JsonObject().put("ok", true))));
    }
  }

  /** Keeps every access-log line. */
  static final class Lines extends AppenderBase<ILoggingEvent> {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent e) {
      lines.add(e.getFormattedMessage());
    }
  }

  final Logger access = (Logger) LoggerFactory.getLogger("bff.access");
  final Lines log = new Lines();
  Vertx vertx;
  FakeUpstream svc;
  FakeUpstream resets;
  BffUnderTest bff;
  InMemorySpanExporter spans;
  SdkTracerProvider provider;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    log.start();
    access.addAppender(log);
    svc = FakeUpstream.start(vertx, "svc");
    resets = FakeUpstream.start(vertx, "resets").handler(req -> req.connection().close());
    spans = InMemorySpanExporter.create();
    provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
  }

  @AfterEach
  void stop() {
    access.detachAppender(log);
    if (bff != null) {
      bff.close();
    }
    svc.close();
    resets.close();
    provider.close();
  }

  void gateway(String tracing, boolean inMemory) {
    bff = BffUnderTest.start(vertx, new CallingBff(), YAML.formatted(tracing),
        Map.of("SVC", svc.url(), "RESETS", resets.url()),
        new Telemetry(null, inMemory ? OpenTelemetrySdk.builder().setTracerProvider(provider).build() : null));
  }

  /** The spans of one trace once {@code n} have ended. */
  List<SpanData> trace(int n) {
    Poll.until(n + " spans", WAIT, () -> spans.getFinishedSpanItems().size() >= n);
    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all).hasSize(n);
    return all;
  }

  static SpanData server(List<SpanData> all) {
    return all.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
  }

  /** The traceparent the upstream received for a request to {@code path}. */
  String traceparentAt(String uri) {
    return svc.seen().stream().filter(s -> s.uri().equals(uri)).findFirst().orElseThrow().headers().get("traceparent");
  }

  JsonObject accessLine(String requestId) {
    Poll.until("the access-log line", WAIT, () -> log.lines.stream().anyMatch(l -> l.contains(requestId)));
    return new JsonObject(log.lines.stream().filter(l -> l.contains(requestId)).findFirst().orElseThrow());
  }

  @Test
  void aComposedEndpointIsOneServerSpanAndOneClientSpanPerPartOfOneTraceAndTheUpstreamsGetTheirContext() {
    gateway("{}", true);
    var r = bff.get("/page/7", Map.of("X-Request-Id", "trace-page-1"));
    assertThat(r.status()).isEqualTo(200);

    List<SpanData> all = trace(4);
    SpanData server = server(all);
    List<SpanData> parts = all.stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
    assertThat(parts).hasSize(3);
    assertThat(server.getName()).isEqualTo("GET page");
    assertThat(server.getAttributes().get(AttributeKey.stringKey("bff.route"))).isEqualTo("page");
    assertThat(server.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200);
    assertThat(server.getParentSpanContext().isValid()).as("a new trace").isFalse();
    String traceId = server.getTraceId();
    for (SpanData p : parts) {
      assertThat(p.getTraceId()).isEqualTo(traceId);
      assertThat(p.getParentSpanId()).isEqualTo(server.getSpanId());
      String part = p.getAttributes().get(AttributeKey.stringKey("bff.part"));
      assertThat(p.getName()).isEqualTo("part " + part);
      assertThat(p.getAttributes().get(AttributeKey.stringKey("bff.outcome"))).isEqualTo("ok");
      assertThat(p.getAttributes().get(AttributeKey.stringKey("bff.served"))).isEqualTo("value");
      assertThat(p.getAttributes().get(AttributeKey.longKey("bff.retries"))).isZero();
      String uri = "/" + (part.equals("product") ? "products" : part) + "/7";
      // each upstream call carries its part's span as the parent, sampled
      String sent = traceparentAt(uri);
      assertThat(sent).startsWith("00-" + traceId + "-" + p.getSpanId() + "-");
      assertThat(TraceParent.sampled(sent)).isTrue();
    }
    assertThat(parts).extracting(p -> p.getAttributes().get(AttributeKey.stringKey("bff.upstream")))
        .containsExactlyInAnyOrder("catalog", "reviews", "stock");
    assertThat(accessLine("trace-page-1").getString("traceId")).isEqualTo(traceId);
  }

  @Test
  void aFailedPartEndsItsSpanWithTheOutcomeAndWhatWasServed() {
    gateway("{}", true);
    svc.handler(req -> {
      if (req.path().startsWith("/reviews")) {
        req.response().setStatusCode(503).end();
      } else {
        req.response().putHeader("content-type", "application/json").end("{}");
      }
    });
    assertThat(bff.get("/page/7").header("BFF-Degraded")).isEqualTo("reviews=error");
    SpanData reviews = trace(4).stream().filter(s -> "reviews".equals(s.getAttributes()
        .get(AttributeKey.stringKey("bff.part")))).findFirst().orElseThrow();
    assertThat(reviews.getAttributes().get(AttributeKey.stringKey("bff.outcome"))).isEqualTo("error");
    assertThat(reviews.getAttributes().get(AttributeKey.stringKey("bff.served"))).isEqualTo("omitted");
    assertThat(reviews.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(503);
    assertThat(reviews.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
  }

  @Test
  void aTrustedClientTraceIsContinuedAndItsTracestatePassedOn() {
    gateway("{ trust-incoming: true }", true);
    assertThat(bff.get("/api/products/1", Map.of("traceparent", CLIENT_TRACEPARENT, "tracestate", "vendor=abc"))
        .status()).isEqualTo(200);
    List<SpanData> all = trace(2);
    SpanData server = server(all);
    SpanData client = all.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(server.getTraceId()).isEqualTo(CLIENT_TRACE);
    assertThat(server.getParentSpanId()).isEqualTo(CLIENT_PARENT);
    assertThat(server.getName()).isEqualTo("GET products");
    assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(client.getName()).isEqualTo("GET catalog");
    assertThat(client.getAttributes().get(AttributeKey.stringKey("bff.outcome"))).isEqualTo("ok");
    assertThat(traceparentAt("/products/1")).startsWith("00-" + CLIENT_TRACE + "-" + client.getSpanId() + "-");
    assertThat(svc.seen().get(0).headers().get("tracestate")).isEqualTo("vendor=abc");
  }

  @Test
  void anUntrustedClientTraceIsNotContinued() {
    gateway("{ trust-incoming: false }", true);
    assertThat(bff.get("/api/products/1", Map.of("traceparent", CLIENT_TRACEPARENT, "tracestate", "vendor=abc"))
        .status()).isEqualTo(200);
    SpanData server = server(trace(2));
    assertThat(server.getTraceId()).isNotEqualTo(CLIENT_TRACE);
    assertThat(server.getParentSpanContext().isValid()).isFalse();
    String sent = traceparentAt("/products/1");
    assertThat(sent).startsWith("00-" + server.getTraceId() + "-").doesNotContain(CLIENT_TRACE);
    assertThat(svc.seen().get(0).headers().get("tracestate")).as("the client's state is dropped").isNull();
  }

  @Test
  void aJavaEndpointsOwnCallsAreAClientSpanEach() {
    gateway("{}", true);
    assertThat(bff.get("/both").status()).isEqualTo(200);
    List<SpanData> all = trace(3);
    SpanData server = server(all);
    List<SpanData> calls = all.stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
    assertThat(calls).extracting(SpanData::getName).containsExactlyInAnyOrder("GET catalog", "GET stock");
    assertThat(calls).allMatch(c -> c.getParentSpanId().equals(server.getSpanId()));
    assertThat(traceparentAt("/a")).contains(server.getTraceId());
  }

  @Test
  void withoutAnExporterTheContextIsStillPropagatedToEveryCallAndRetry() {
    gateway("{}", false); // no otlp: ids only
    var r = bff.get("/page/7", Map.of("traceparent", CLIENT_TRACEPARENT, "X-Request-Id", "trace-ids-1"));
    assertThat(r.status()).isEqualTo(200);
    String sent = traceparentAt("/products/7");
    assertThat(TraceParent.valid(sent)).isTrue();
    assertThat(sent).startsWith("00-" + CLIENT_TRACE + "-").endsWith("-01").doesNotContain(CLIENT_PARENT);
    // one gateway span: all parts of the request name the same parent
    assertThat(traceparentAt("/reviews/7")).isEqualTo(sent);
    assertThat(traceparentAt("/stock/7")).isEqualTo(sent);
    assertThat(accessLine("trace-ids-1").getString("traceId")).isEqualTo(CLIENT_TRACE);
    assertThat(spans.getFinishedSpanItems()).isEmpty();

    // a retry (the first attempt's connection is reset) carries the same context
    List<String> saw = new CopyOnWriteArrayList<>();
    resets.handler(req -> {
      saw.add(req.getHeader("traceparent"));
      if (saw.size() == 1) {
        req.connection().close();
      } else {
        req.response().end("{}");
      }
    });
    assertThat(bff.get("/retried/1").status()).isEqualTo(200);
    assertThat(saw).hasSize(2);
    assertThat(TraceParent.valid(saw.get(0))).isTrue();
    assertThat(saw.get(1)).isEqualTo(saw.get(0));
  }

  @Test
  void aNewTraceIsSampledAtTheRatioAndAnInvalidTraceparentStartsOne() {
    gateway("{ sample-ratio: 0.0 }", false);
    assertThat(bff.get("/api/products/1", Map.of("traceparent", "00-" + "0".repeat(32) + "-" + CLIENT_PARENT + "-01"))
        .status()).isEqualTo(200);
    String sent = traceparentAt("/products/1");
    assertThat(TraceParent.valid(sent)).isTrue();
    assertThat(sent).endsWith("-00").doesNotContain(CLIENT_PARENT);
  }

  @Test
  void withTracingOffTheClientsHeadersPassThroughUntouched() {
    gateway("{ enabled: false }", true);
    var r = bff.get("/api/products/1", Map.of("traceparent", CLIENT_TRACEPARENT, "X-Request-Id", "trace-off-1"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(traceparentAt("/products/1")).isEqualTo(CLIENT_TRACEPARENT);
    assertThat(accessLine("trace-off-1").containsKey("traceId")).isFalse();
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void withAnOtlpEndpointSpansAreExportedToTheCollector() {
    List<io.vertx.core.buffer.Buffer> bodies = new CopyOnWriteArrayList<>();
    FakeUpstream collector = FakeUpstream.start(vertx, "collector").handler(req -> req.body().onSuccess(b -> {
      bodies.add(b);
      req.response().putHeader("content-type", "application/x-protobuf").end();
    }));
    try {
      bff = BffUnderTest.start(vertx, new CallingBff(), YAML.formatted("""
          { service-name: shop-bff, otlp: { endpoint: "${COLLECTOR}/v1/traces", headers: { X-Collector-Key: k1 } } }"""),
          Map.of("SVC", svc.url(), "RESETS", resets.url(), "COLLECTOR", collector.url()));
      assertThat(bff.running().gateway().tracing().recording()).isTrue();
      assertThat(bff.get("/page/7").status()).isEqualTo(200);
      String sent = traceparentAt("/products/7");
      bff.close(); // flushes the batch
      bff = null;
      Poll.until("an export", WAIT, () -> !bodies.isEmpty());
      FakeUpstream.Seen export = collector.seen().get(0);
      assertThat(export.method()).isEqualTo("POST");
      assertThat(export.uri()).isEqualTo("/v1/traces");
      assertThat(export.headers().get("content-type")).isEqualTo("application/x-protobuf");
      assertThat(export.headers().get("x-collector-key")).isEqualTo("k1");
      String payload = bodies.get(0).toString(java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(payload).contains("shop-bff").contains("part reviews").contains("GET page");
      // the trace id travels as 16 raw bytes in the protobuf
      byte[] id = java.util.HexFormat.of().parseHex(TraceParent.traceId(sent));
      assertThat(payload).contains(new String(id, java.nio.charset.StandardCharsets.ISO_8859_1));
    } finally {
      collector.close();
    }
  }

  @Test
  void theTracingBlockIsReadWithItsDefaults() {
    var c = BffUnderTest.parse("upstreams: {}\n", Map.of()).tracing();
    assertThat(c.enabled()).isTrue();
    assertThat(c.trustIncoming()).isTrue();
    assertThat(c.sampleRatio()).isEqualTo(1.0);
    assertThat(c.otlp()).isNull();
    var m = BffUnderTest.parse("upstreams: {}\nmetrics: { jvm: false, buckets: [10ms, 1s] }\n", Map.of()).metrics();
    assertThat(m.enabled()).isTrue();
    assertThat(m.jvm()).isFalse();
    assertThat(m.buckets()).containsExactly(Duration.ofMillis(10), Duration.ofSeconds(1));
    var o = BffUnderTest.parse("""
        upstreams: {}
        tracing: { trust-incoming: false, sample-ratio: 0.25, otlp: { endpoint: "http://c:4318/v1/traces", timeout: 2s } }
        """, Map.of()).tracing();
    assertThat(o.trustIncoming()).isFalse();
    assertThat(o.sampleRatio()).isEqualTo(0.25);
    assertThat(o.otlp().endpoint().toString()).isEqualTo("http://c:4318/v1/traces");
    assertThat(o.otlp().timeout()).isEqualTo(Duration.ofSeconds(2));
  }
}
