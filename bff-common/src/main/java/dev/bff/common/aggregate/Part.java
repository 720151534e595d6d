package dev.bff.common.aggregate;

import java.time.Duration;
import java.util.List;

/**
 * One named call inside a composed endpoint: its upstream, how to build the call, whether it is
 * required, its timeout, its fallback and the parts it needs first.
 */
public final class Part {
  private final String name;
  private final String upstream;
  private final PartCall call;
  private final boolean required;
  private Duration timeout;
  private Object fallback;
  private List<String> needs = List.of();
  private boolean lastGood;
  private Duration cacheTtl;

  private Part(String name, String upstream, PartCall call, boolean required) {
    this.name = name;
    this.upstream = upstream;
    this.call = call;
    this.required = required;
  }

  /** A part whose failure fails the endpoint. */
  public static Part required(String name, String upstream, PartCall call) {
    return new Part(name, upstream, call, true);
  }

  /** A part whose failure degrades the response (fallback value, or left out). */
  public static Part optional(String name, String upstream, PartCall call) {
    return new Part(name, upstream, call, false);
  }

  /** Limits this part's call; also capped by what is left of the endpoint's deadline. */
  public Part timeout(Duration d) {
    this.timeout = d;
    return this;
  }

  /** The value served when this optional part fails (otherwise it is left out). */
  public Part fallback(Object value) {
    if (required) {
      throw new IllegalStateException("part '" + name + "' is required: a fallback would never be used");
    }
    this.fallback = value;
    return this;
  }

  /**
   * When this optional part fails, serve its last good value for the same client request URI
   * (served as {@code stale}); the static {@link #fallback} (if any) applies when there is none.
   */
  public Part fallbackToLastGood() {
    if (required) {
      throw new IllegalStateException("part '" + name + "' is required: a last good value would never be used");
    }
    this.lastGood = true;
    return this;
  }

  /**
   * Keeps this part's value for {@code ttl} and serves it, without a call, to later requests for
   * the same client URI by the same caller (a part's value for one user is never another's).
   */
  public Part cacheFor(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("part '" + name + "': a cache time to live must be positive");
    }
    this.cacheTtl = ttl;
    return this;
  }

  /** How long its value is kept, or null when it is not cached. */
  public Duration cacheTtl() {
    return cacheTtl;
  }

  /** Whether it falls back to its last good value. */
  public boolean lastGood() {
    return lastGood;
  }

  /** Parts whose values this one needs; it starts as soon as they are done. */
  public Part needs(String... parts) {
    this.needs = List.of(parts);
    return this;
  }

  /** The part's name. */
  public String name() {
    return name;
  }

  /** The upstream it calls. */
  public String upstream() {
    return upstream;
  }

  /** Whether its failure fails the endpoint. */
  public boolean required() {
    return required;
  }

  /** Its own timeout, or null. */
  public Duration timeout() {
    return timeout;
  }

  /** Its fallback value, or null (left out). */
  public Object fallback() {
    return fallback;
  }

  /** The parts it needs. */
  public List<String> needs() {
    return needs;
  }

  PartCall call() {
    return call;
  }

  /** E.g. {@code rating(reviews optional timeout=300ms fallback=last-good needs=[product])}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name).append('(').append(upstream).append(required ? " required" : " optional");
    if (timeout != null) {
      sb.append(" timeout=").append(timeout.toMillis()).append("ms");
    }
    if (!required) {
      sb.append(" fallback=").append(lastGood ? "last-good" + (fallback != null ? "+value" : "")
          : fallback != null ? "value" : "omit");
    }
    if (cacheTtl != null) {
      sb.append(" cache=").append(cacheTtl.toMillis()).append("ms");
    }
    if (!needs.isEmpty()) {
      sb.append(" needs=").append(needs);
    }
    return sb.append(')').toString();
  }
}
