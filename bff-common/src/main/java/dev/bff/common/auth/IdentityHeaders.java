package dev.bff.common.auth;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The claims a BFF passes to its services as headers (e.g. {@code sub} as {@code X-User-Id}). The
 * same headers sent by a client are always removed first, on every route, so no client can claim an
 * identity; they are set only from a verified token.
 */
public final class IdentityHeaders {
  /** No claims go upstream. */
  public static final IdentityHeaders NONE = new IdentityHeaders(Map.of());

  private final Map<String, String> claimToHeader;

  /** Maps {@code claim -> header}. */
  public IdentityHeaders(Map<String, String> claimToHeader) {
    this.claimToHeader = Map.copyOf(claimToHeader);
  }

  /** Whether any claim goes upstream. */
  public boolean isEmpty() {
    return claimToHeader.isEmpty();
  }

  /** Removes the identity headers a client sent. */
  public void strip(MultiMap headers) {
    for (String h : claimToHeader.values()) {
      headers.remove(h);
    }
  }

  /** Sets the identity headers from a verified principal (claims it lacks are left out). */
  public void set(MultiMap headers, Principal p) {
    claimToHeader.forEach((claim, header) -> {
      String v = value(p.claims().getValue(claim));
      if (v != null) {
        headers.set(header, v);
      }
    });
  }

  /** Copies the identity headers present in {@code from} (set by {@link #set}) into {@code to}. */
  public void copy(MultiMap from, MultiMap to) {
    for (String h : claimToHeader.values()) {
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
    return "claims-to-headers" + claimToHeader;
  }
}
