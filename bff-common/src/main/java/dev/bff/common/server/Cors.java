package dev.bff.common.server;

import dev.bff.common.config.AccessConfig;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;

/**
 * CORS for browsers: the gateway answers preflights itself and labels the answers to allowed
 * origins; services behind it need no CORS code (their own Access-Control-* headers are dropped).
 */
final class Cors {
  private final AccessConfig.Cors config;
  private final String methods;
  private final String expose;
  private final String maxAge;

  Cors(AccessConfig.Cors config) {
    this.config = config;
    this.methods = String.join(", ", config.methods());
    this.expose = String.join(", ", config.exposeHeaders());
    this.maxAge = Long.toString(config.maxAge().toSeconds());
  }

  /**
   * Handles the CORS side of a request: answers a preflight (returns true), or labels the response
   * of an allowed origin and goes on (returns false).
   */
  boolean handle(Exchange ex) {
    HttpServerRequest req = ex.request();
    HttpServerResponse resp = ex.response();
    if (!config.anyOrigin() || config.credentials()) {
      resp.headers().add(HttpHeaders.VARY, "Origin"); // answers differ by origin: caches must key on it
    }
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    if (origin == null) {
      return false;
    }
    boolean allowed = config.anyOrigin() || config.origins().contains(origin.toLowerCase(Locale.ROOT));
    String wanted = req.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
    if (req.method() == HttpMethod.OPTIONS && wanted != null) {
      preflight(ex, origin, allowed, wanted);
      return true;
    }
    if (allowed) {
      label(resp, origin);
      if (!expose.isEmpty()) {
        resp.headers().set(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, expose);
      }
    }
    return false;
  }

  private void preflight(Exchange ex, String origin, boolean allowed, String method) {
    String why = !allowed ? "origin " + origin + " is not allowed"
        : !config.methods().contains(method.trim().toUpperCase(Locale.ROOT)) ? "method " + method + " is not allowed"
        : deniedHeader(ex.request().getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS));
    if (why != null) {
      ex.fail(Category.FORBIDDEN, "CORS preflight rejected: " + why);
      return;
    }
    HttpServerResponse resp = ex.response();
    label(resp, origin);
    resp.headers().set(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods)
        .set(HttpHeaders.ACCESS_CONTROL_MAX_AGE, maxAge);
    String asked = ex.request().getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
    if (asked != null && !asked.isBlank()) {
      resp.headers().set(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, asked);
    }
    resp.setStatusCode(204).end();
  }

  private String deniedHeader(String asked) {
    if (asked == null) {
      return null;
    }
    for (String h : asked.split(",")) {
      String name = h.trim().toLowerCase(Locale.ROOT);
      if (!name.isEmpty() && !config.headers().contains(name)) {
        return "header " + name + " is not allowed";
      }
    }
    return null;
  }

  private void label(HttpServerResponse resp, String origin) {
    resp.headers().set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN,
        config.anyOrigin() && !config.credentials() ? "*" : origin);
    if (config.credentials()) {
      resp.headers().set(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
  }
}
