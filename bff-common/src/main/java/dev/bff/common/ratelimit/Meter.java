package dev.bff.common.ratelimit;

/**
 * One compiled limit: how its buckets count (GCRA, sliding window or fixed window), its numbers,
 * the policy it belongs to and its {@code RateLimit-Policy} item. Built once at start-up, with the
 * meter a replica uses on its own while the shared store fails ({@link #local()}).
 */
public final class Meter {
  /** How a meter counts. */
  public enum Kind {
    /** A token bucket of {@code limit} refilled one token per interval (the generic cell rate algorithm). */
    GCRA('g'),
    /** {@code limit} requests per sliding window of one interval (two fixed windows, the older weighted). */
    SLIDING('s'),
    /** {@code limit} requests per fixed window of one interval, aligned to the epoch (UTC days, hours...). */
    FIXED('f');

    final char code;

    Kind(char code) {
      this.code = code;
    }
  }

  private static final long SECOND = 1_000_000_000L;

  private final String policy;
  private final String item;
  private final Kind kind;
  private final long limit;
  private final long intervalNanos;
  private final String policyItem;
  private final CharSequence policyHeader;
  private final String remainingPrefix;
  private final String bucketPrefix;
  final PolicyCounters counters;
  private final Meter local;

  /**
   * A meter and its local stand-in at {@code limit / replicas}.
   *
   * @param policy        the policy's name (its counters)
   * @param item          the name in the RateLimit headers (the policy's, or {@code NAME-quota} for its quota)
   * @param kind          how it counts
   * @param limit         the burst (GCRA) or the requests per window
   * @param intervalNanos the emission interval (GCRA) or the window
   * @param counters      the policy's counters
   * @param replicas      how many replicas share the limit when it is kept in Redis
   */
  Meter(String policy, String item, Kind kind, long limit, long intervalNanos, PolicyCounters counters, int replicas) {
    this.policy = policy;
    this.item = item;
    this.kind = kind;
    this.limit = limit;
    this.intervalNanos = intervalNanos;
    this.counters = counters;
    this.policyItem = "\"" + item + "\";q=" + limit + ";w=" + seconds(windowNanos());
    this.policyHeader = io.vertx.core.http.HttpHeaders.createOptimized(policyItem); // written as bytes, no encoding
    this.remainingPrefix = "\"" + item + "\";r=";
    this.bucketPrefix = policy + ":" + kind.code + ":";
    if (replicas <= 1) {
      this.local = this;
    } else { // a replica's share: 1/replicas of the burst (and of the rate: a GCRA interval replicas times as long)
      long share = Math.max(1, limit / replicas);
      this.local = new Meter(policy, item, kind, share, kind == Kind.GCRA ? intervalNanos * replicas : intervalNanos,
          counters, 1);
    }
  }

  /** The policy's name. */
  public String policy() {
    return policy;
  }

  /** The name of this limit in the RateLimit headers. */
  public String item() {
    return item;
  }

  /** How it counts. */
  public Kind kind() {
    return kind;
  }

  /** The burst (GCRA) or the requests per window: the {@code q} of its RateLimit-Policy item. */
  public long limit() {
    return limit;
  }

  /** The GCRA emission interval or the window, in nanoseconds. */
  public long intervalNanos() {
    return intervalNanos;
  }

  /** Its item of the {@code RateLimit-Policy} header, e.g. {@code "per-ip";q=20;w=2}. */
  public String policyItem() {
    return policyItem;
  }

  /** {@link #policyItem()} as a header value prepared once. */
  CharSequence policyHeader() {
    return policyHeader;
  }

  /** {@code "NAME";r=}: the start of this meter's item in the {@code RateLimit} header. */
  String remainingPrefix() {
    return remainingPrefix;
  }

  /** The start of the names of this meter's buckets: the policy and how it counts. */
  String bucketPrefix() {
    return bucketPrefix;
  }

  /** The meter a replica applies on its own while the shared store cannot be asked. */
  public Meter local() {
    return local;
  }

  /** The time a full limit takes to be used up at the rate: burst * interval for GCRA, else the window. */
  long windowNanos() {
    return kind == Kind.GCRA ? saturatedTimes(limit, intervalNanos) : intervalNanos;
  }

  /** How long a bucket left alone takes to be as good as new (then it can be forgotten). */
  long idleNanos() {
    return switch (kind) {
      case GCRA -> windowNanos();
      case SLIDING -> 2 * intervalNanos;
      case FIXED -> intervalNanos;
    };
  }

  /** Nanoseconds as whole seconds, rounded up (what headers and Retry-After carry). */
  static long seconds(long nanos) {
    return nanos <= 0 ? 0 : (nanos + SECOND - 1) / SECOND;
  }

  private static long saturatedTimes(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case GCRA -> "gcra burst " + limit + " every " + intervalNanos / 1_000_000.0 + "ms";
      case SLIDING -> "sliding-window " + limit + " per " + intervalNanos / 1_000_000 + "ms";
      case FIXED -> "quota " + limit + " per " + intervalNanos / SECOND + "s";
    };
  }
}
