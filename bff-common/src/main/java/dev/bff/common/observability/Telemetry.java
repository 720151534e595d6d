package dev.bff.common.observability;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;

/**
 * Where a BFF's metrics and spans go when its starter provides them rather than the configuration
 * making them: {@code Bff.launch} shares one registry with Vert.x's own metrics; a test hands in an
 * OpenTelemetry SDK with an in-memory exporter. Either may be null (made from the configuration).
 *
 * @param registry      the registry to record into (only when {@code metrics.enabled})
 * @param openTelemetry records spans (only when {@code tracing.enabled}); its sampler decides
 */
public record Telemetry(PrometheusMeterRegistry registry, OpenTelemetry openTelemetry) {
  /** Everything made from the configuration. */
  public static final Telemetry FROM_CONFIG = new Telemetry(null, null);
}
