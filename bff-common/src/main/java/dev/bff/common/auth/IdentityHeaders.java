package dev.bff.common.auth;

import dev.bff.common.config.AuthConfig;
import dev.bff.common.config.AuthConfig.Method;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a BFF passes to its services as headers about the caller: claims of a JWT (e.g. {@code sub}
 * as {@code X-User-Id}), the partner and plan of an API key or client certificate. The same headers
 * sent by a client are always removed first, on every route, so no client can claim an identity;
 * they are set only from a verified credential, and only from the mapping of that credential's kind
 * (a JWT claim named {@code partner} never becomes {@code X-Partner-Id}).
 */
public final class IdentityHeaders {
  /** Nothing goes upstream. */
  public static final IdentityHeaders NONE = new IdentityHeaders(Map.of());

  private final Map<Method, Map<String, String>> byMethod;
  private final List<String> all;

  /** Maps, per kind of credential, {@code claim or attribute -> header}. */
  public IdentityHeaders(Map<Method, Map<String, String>> byMethod) {
    this.byMethod = byMethod.isEmpty() ? Map.of() : new EnumMap<>(byMethod);
    Set<String> names = new LinkedHashSet<>();
    byMethod.values().forEach(m -> names.addAll(m.values()));
    this.all = List.copyOf(names);
  }

  /** The headers of every credential the configuration accepts. */
  public static IdentityHeaders of(AuthConfig auth) {
    Map<Method, Map<String, String>> m = new EnumMap<>(Method.class);
    if (auth.jwt() != null) {
      m.put(Method.JWT, auth.jwt().claimsToHeaders());
    }
    if (auth.apiKeys() != null) {
      m.put(Method.API_KEY, auth.apiKeys().headers());
    }
    if (auth.clientCert() != null) {
      m.put(Method.CLIENT_CERT, auth.clientCert().headers());
    }
    return new IdentityHeaders(m);
  }

  /** Whether anything goes upstream. */
  public boolean isEmpty() {
    return all.isEmpty();
  }

  /** Removes the identity headers a client sent. */
  public void strip(MultiMap headers) {
    for (String h : all) {
      headers.remove(h);
    }
  }

  /** Sets the identity headers from a verified principal (claims it lacks are left out). */
  public void set(MultiMap headers, Principal p) {
    Map<String, String> m = byMethod.get(p.method());
    if (m == null) {
      return;
    }
    m.forEach((claim, header) -> {
      String v = value(p.claims().getValue(claim));
      if (v != null) {
        headers.set(header, v);
      }
    });
  }

  /** Copies the identity headers present in {@code from} (set by {@link #set}) into {@code to}. */
  public void copy(MultiMap from, MultiMap to) {
    for (String h : all) {
      String v = from.get(h);
      if (v != null) {
        to.set(h, v);
      }
    }
  }

  /** A claim as a header value: arrays comma-joined, objects as JSON, control characters dropped. */
  static String value(Object claim) {
    if (claim == null) {
      return null;
    }
    String s;
    if (claim instanceof JsonArray a) {
      StringBuilder sb = new StringBuilder();
      a.forEach(x -> sb.append(sb.isEmpty() ? "" : ",").append(x));
      s = sb.toString();
    } else if (claim instanceof JsonObject o) {
      s = o.encode();
    } else {
      s = String.valueOf(claim);
    }
    StringBuilder clean = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != 0x7f || c == '\t') {
        clean.append(c);
      }
    }
    return clean.toString();
  }

  @Override
  public String toString() {
    return "identity-headers" + byMethod;
  }
}
