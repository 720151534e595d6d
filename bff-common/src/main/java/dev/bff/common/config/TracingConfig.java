package dev.bff.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code tracing} block: W3C Trace Context propagation, and spans exported over OTLP when an
 * endpoint is configured.
 *
 * @param enabled       whether the gateway takes part in traces ({@code false}: a client's
 *                      {@code traceparent} goes through the proxy untouched and nothing is generated)
 * @param trustIncoming whether a client's {@code traceparent}/{@code tracestate} is continued;
 *                      {@code false} starts a new trace for every request
 * @param sampleRatio   the share of new traces that are sampled (a trusted parent's decision is kept)
 * @param serviceName   {@code service.name} of exported spans, or null for the BFF module's name
 * @param otlp          where spans are exported, or null: propagation only, no spans are recorded
 */
public record TracingConfig(boolean enabled, boolean trustIncoming, double sampleRatio, String serviceName,
    Otlp otlp) {
  /** Propagation on, incoming context trusted, every trace sampled, nothing exported. */
  public static final TracingConfig DEFAULT = new TracingConfig(true, true, 1.0, null, null);

  /**
   * The OTLP/HTTP (protobuf) exporter.
   *
   * @param endpoint the collector's traces URL, e.g. {@code http://otel-collector:4318/v1/traces}
   * @param headers  headers sent with every export (e.g. an API key of a hosted collector)
   * @param timeout  how long one export may take
   */
  public record Otlp(URI endpoint, Map<String, String> headers, Duration timeout) {
    @Override
    public String toString() { // header values may be credentials
      return "otlp " + endpoint + (headers.isEmpty() ? "" : " headers=" + headers.keySet());
    }
  }

  static TracingConfig read(ConfigNode n) {
    if (!n.present()) {
      return DEFAULT;
    }
    n.allowOnly(Set.of("enabled", "trust-incoming", "sample-ratio", "service-name", "otlp"));
    if (!n.isObject()) {
      return DEFAULT;
    }
    boolean enabled = n.bool("enabled", true);
    Otlp otlp = readOtlp(n.child("otlp"));
    if (otlp != null && !enabled) {
      n.problem("otlp", "needs tracing.enabled: true (spans are exported only when the gateway traces)");
    }
    String service = n.string("service-name", null);
    if (service != null && service.isBlank()) {
      n.problem("service-name", "must not be empty");
    }
    return new TracingConfig(enabled, n.bool("trust-incoming", true), n.number("sample-ratio", 1.0, 0.0, 1.0),
        service, otlp);
  }

  private static Otlp readOtlp(ConfigNode o) {
    if (!o.present()) {
      return null;
    }
    o.allowOnly(Set.of("endpoint", "headers", "timeout"));
    if (!o.isObject()) {
      return null;
    }
    String url = o.requiredString("endpoint");
    URI endpoint = null;
    if (url != null) {
      try {
        endpoint = new URI(url);
        if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())) || endpoint.getHost() == null) {
          o.problem("endpoint", "must be an http:// or https:// URL such as http://127.0.0.1:4318/v1/traces, was '"
              + url + "'");
        }
      } catch (URISyntaxException e) {
        o.problem("endpoint", "is not a valid URL: '" + url + "'");
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    o.entries("headers").forEach((name, v) -> {
      String value = v.text();
      if (!HeaderNames.isToken(name)) {
        v.problem(null, "is not a valid header name");
      } else if (value != null) {
        headers.put(name, value);
      }
    });
    Duration timeout = o.duration("timeout", Duration.ofSeconds(10));
    if (timeout.isZero()) {
      o.problem("timeout", "must be more than 0");
    }
    return new Otlp(endpoint, Map.copyOf(headers), timeout);
  }

  @Override
  public String toString() {
    if (!enabled) {
      return "tracing off";
    }
    return "tracing " + (trustIncoming ? "continues" : "restarts") + " client traces, samples " + sampleRatio
        + (otlp == null ? ", propagation only" : ", exports to " + otlp);
  }
}
