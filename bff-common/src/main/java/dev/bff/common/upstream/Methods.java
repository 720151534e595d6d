package dev.bff.common.upstream;

import io.vertx.core.http.HttpMethod;

/** HTTP method properties (RFC 9110 section 9.2). */
public final class Methods {
  private Methods() {}

  /** Whether a method is idempotent, so a failed attempt may be retried. */
  public static boolean idempotent(HttpMethod m) {
    return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
        || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
  }
}
