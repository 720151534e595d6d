package dev.bff.common.ratelimit;

import dev.bff.common.auth.Principal;
import dev.bff.common.config.AuthConfig.Method;
import dev.bff.common.config.RateLimitPolicy.Key;
import dev.bff.common.proxy.Forwarding;
import dev.bff.common.routing.Exchange;

/** What a request is counted by under one policy: its key value, or null when the policy does not apply to it. */
@FunctionalInterface
interface KeySource {
  /** The key value of {@code ex}, or null when the request is not limited by the policy. */
  String of(Exchange ex);

  /** The source for a configured key; client addresses are judged after {@code forwarding}'s trusted proxies. */
  static KeySource of(Key key, Forwarding forwarding) {
    return switch (key.kind()) {
      case IP -> ex -> forwarding.clientAddress(ex.request());
      case USER -> KeySource::user;
      case USER_OR_IP -> ex -> {
        String u = user(ex);
        return u != null ? u : "ip:" + forwarding.clientAddress(ex.request());
      };
      case PARTNER -> ex -> ex.principal() == null ? null : ex.principal().partner();
      case CLIENT_CERT -> ex -> {
        Principal p = ex.principal();
        return p == null || p.method() != Method.CLIENT_CERT ? null : p.claims().getString("identity");
      };
      case HEADER -> { // requests without the header share one bucket: leaving it out is no way around the limit
        String name = key.header();
        yield ex -> {
          String v = ex.request().getHeader(name);
          return v == null ? "-" : "=" + v;
        };
      }
      case ROUTE -> ex -> "";
    };
  }

  private static String user(Exchange ex) {
    Principal p = ex.principal();
    return p == null || p.method() != Method.JWT || p.subject() == null ? null : "user:" + p.subject();
  }
}
