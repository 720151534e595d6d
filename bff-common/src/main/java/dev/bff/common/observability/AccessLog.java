package dev.bff.common.observability;

import dev.bff.common.auth.Principal;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Json;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON line per request to the SLF4J logger {@code bff.access}: time, request id, trace
 * id, method, path, route, upstream, status, bytes in and out, duration in milliseconds, the client
 * address and who the client is (partner or subject of a verified credential, never the credential),
 * and when they apply: the error category of a gateway-made error, what the rate limits decided, and
 * the degraded parts of a composed answer ({@code BFF-Degraded}).
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

  private static final CharSequence X_CACHE = io.vertx.core.http.HttpHeaders.createOptimized("X-Cache");

  /** The JSON line for an exchange. */
  public static String line(Exchange ex) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"time\":\"").append(Instant.now()).append("\",\"requestId\":");
    Json.quote(sb, ex.requestId());
    if (ex.trace() != null) {
      sb.append(",\"traceId\":\"").append(ex.trace().traceId()).append('"');
    }
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
    Principal p = ex.principal();
    if (p != null) {
      if (p.partner() != null) {
        sb.append(",\"partner\":");
        Json.quote(sb, p.partner());
      } else if (p.subject() != null) {
        sb.append(",\"subject\":");
        Json.quote(sb, p.subject());
      }
    }
    if (ex.rateLimit() != null) {
      sb.append(",\"rateLimit\":\"").append(ex.rateLimit()).append('"');
    }
    String cache = ex.response().headers().get(X_CACHE);
    if (cache != null) {
      sb.append(",\"cache\":");
      Json.quote(sb, cache);
    }
    String degraded = ex.response().headers().get(Observer.DEGRADED);
    if (degraded != null) {
      sb.append(",\"degraded\":");
      Json.quote(sb, degraded);
    }
    return sb.append('}').toString();
  }
}
