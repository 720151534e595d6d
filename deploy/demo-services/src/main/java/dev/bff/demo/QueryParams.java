package dev.bff.demo;

import io.vertx.ext.web.RoutingContext;

/** Reads and checks query parameters, throwing a 400 {@link Problem} for bad values. */
final class QueryParams {

  private QueryParams() {
  }

  /** The parameter, or {@code fallback} when absent or blank. */
  static String string(RoutingContext ctx, String name, String fallback) {
    String value = ctx.request().getParam(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** The parameter; a 400 when absent. */
  static String required(RoutingContext ctx, String name) {
    String value = string(ctx, name, null);
    if (value == null) {
      throw Problem.badRequest("query parameter '" + name + "' is required");
    }
    return value;
  }

  /** An integer parameter within {@code [min, max]}, or {@code fallback} when absent. */
  static int integer(RoutingContext ctx, String name, int fallback, int min, int max) {
    return (int) number(ctx, name, fallback, min, max);
  }

  /** A long parameter within {@code [min, max]}, or {@code fallback} when absent. */
  static long number(RoutingContext ctx, String name, long fallback, long min, long max) {
    String value = string(ctx, name, null);
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed < min || parsed > max) {
        throw Problem.badRequest("query parameter '" + name + "' must be between " + min + " and " + max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw Problem.badRequest("query parameter '" + name + "' must be an integer");
    }
  }
}
