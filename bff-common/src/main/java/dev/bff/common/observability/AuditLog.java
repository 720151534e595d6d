package dev.bff.common.observability;

import dev.bff.common.auth.Principal;
import dev.bff.common.config.AuditConfig;
import dev.bff.common.routing.Exchange;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON line per audited request to the SLF4J logger {@code bff.audit}: time, request
 * and trace ids, method, path, route, status, client address, who made it (the kind of credential,
 * subject or partner and plan; never a token or key) and the request's JSON body with the configured
 * fields masked. A body is logged when the gateway read it (endpoints, and routes with
 * {@code body-check}); a body that streamed through to the upstream is noted as not captured.
 */
public final class AuditLog {
  private static final Logger LOG = LoggerFactory.getLogger("bff.audit");

  private final AuditConfig config;
  private final Map<String, Integer> masks;

  /** An audit log as {@code config} says. */
  public AuditLog(AuditConfig config) {
    this.config = config;
    this.masks = config.masks().stream().collect(Collectors.toUnmodifiableMap(
        m -> m.field().toLowerCase(Locale.ROOT), AuditConfig.Mask::keepLast, (a, b) -> a));
  }

  /** Whether requests to this route or endpoint are audited. */
  public boolean covers(String routeId) {
    return routeId != null && config.routes().contains(routeId);
  }

  /** Logs {@code ex} if its route is audited. */
  public void log(Exchange ex) {
    if (ex.route() == null || !covers(ex.route().id()) || !LOG.isInfoEnabled()) {
      return;
    }
    LOG.info(line(ex).encode());
  }

  /** The audit record of an exchange. */
  public JsonObject line(Exchange ex) {
    JsonObject o = new JsonObject()
        .put("time", Instant.now().toString())
        .put("requestId", ex.requestId())
        .put("traceId", ex.trace() == null ? null : ex.trace().traceId())
        .put("method", ex.request().method().name())
        .put("path", ex.path())
        .put("route", ex.route() == null ? null : ex.route().id())
        .put("status", ex.aborted() ? 499 : ex.response().getStatusCode())
        .put("client", ex.request().remoteAddress() == null ? null : ex.request().remoteAddress().hostAddress());
    Principal p = ex.principal();
    if (p != null) {
      JsonObject who = new JsonObject().put("method", p.method().yaml());
      if (p.partner() != null) {
        who.put("partner", p.partner()).put("plan", p.plan());
      } else {
        who.put("subject", p.subject()).put("issuer", p.issuer());
      }
      o.put("principal", who);
    }
    Buffer body = ex.body();
    if (body == null || body.length() == 0) {
      o.put("body", body == null && bodyExpected(ex) ? "not captured (streamed to the upstream)" : null);
    } else if (body.length() > config.maxBody()) {
      o.put("body", "not logged (" + body.length() + " bytes, over max-body)");
    } else {
      try {
        o.put("body", mask(Json.decodeValue(body)));
      } catch (DecodeException e) {
        o.put("body", "not logged (" + body.length() + " bytes, not JSON)");
      }
    }
    return o;
  }

  private static boolean bodyExpected(Exchange ex) {
    return ex.request().headers().contains("content-length") && !"0".equals(ex.request().getHeader("content-length"))
        || ex.request().headers().contains("transfer-encoding");
  }

  /** A copy of a JSON value with the configured fields masked at any depth. */
  Object mask(Object v) {
    if (v instanceof JsonObject obj) {
      JsonObject out = new JsonObject();
      obj.forEach(e -> {
        Integer keep = masks.get(e.getKey().toLowerCase(Locale.ROOT));
        out.put(e.getKey(), keep == null ? mask(e.getValue()) : masked(e.getValue(), keep));
      });
      return out;
    }
    if (v instanceof JsonArray arr) {
      JsonArray out = new JsonArray();
      arr.forEach(x -> out.add(mask(x)));
      return out;
    }
    return v;
  }

  private static Object masked(Object value, int keepLast) {
    if (value == null) {
      return null;
    }
    if (value instanceof JsonObject || value instanceof JsonArray) {
      return "***";
    }
    String s = String.valueOf(value);
    if (keepLast <= 0 || s.length() <= keepLast) {
      return "***";
    }
    return "*".repeat(s.length() - keepLast) + s.substring(s.length() - keepLast);
  }
}
