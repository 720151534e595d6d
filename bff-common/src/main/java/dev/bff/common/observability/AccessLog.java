package dev.bff.common.observability;

import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Json;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON line per request to the SLF4J logger {@code bff.access}: time, request id,
 * method, path, route, upstream, status, bytes in and out, duration in milliseconds and, for
 * gateway-made errors, the error category.
 */
public final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("bff.access");

  private AccessLog() {}

  /** Logs a completed (or aborted) exchange if the access logger is enabled. */
  public static void log(Exchange ex) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    LOG.info(line(ex));
  }

  /** The JSON line for an exchange. */
  public static String line(Exchange ex) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"time\":\"").append(Instant.now()).append("\",\"requestId\":");
    Json.quote(sb, ex.requestId());
    sb.append(",\"method\":\"").append(ex.request().method().name()).append("\",\"path\":");
    Json.quote(sb, ex.path());
    sb.append(",\"route\":");
    Json.quote(sb, ex.route() == null ? null : ex.route().id());
    sb.append(",\"upstream\":");
    Json.quote(sb, ex.upstream());
    sb.append(",\"status\":").append(ex.aborted() ? 499 : ex.response().getStatusCode());
    if (ex.category() != null) {
      sb.append(",\"error\":\"").append(ex.category().slug()).append('"');
    }
    sb.append(",\"bytesIn\":").append(ex.request().bytesRead());
    sb.append(",\"bytes\":").append(ex.response().bytesWritten());
    long micros = (System.nanoTime() - ex.startNanos()) / 1000;
    sb.append(",\"durationMs\":").append(micros / 1000).append('.').append((char) ('0' + (micros % 1000) / 100));
    sb.append(",\"client\":");
    Json.quote(sb, ex.request().remoteAddress() == null ? null : ex.request().remoteAddress().hostAddress());
    return sb.append('}').toString();
  }
}
