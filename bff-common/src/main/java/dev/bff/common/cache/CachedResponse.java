package dev.bff.common.cache;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stored response, immutable: status, the headers as clients get them, the body (kept as a
 * {@link Buffer} and written as is, never re-encoded), when it arrived and how long it may be used.
 * A response with {@code Vary} is stored under its variant's key, and a {@linkplain #marker marker}
 * naming the varying request headers under the primary key.
 */
public final class CachedResponse {
  private static final String[] NONE = new String[0];

  private final int status;
  private final String[] headers; // name, value, name, value...
  private final Buffer body;
  private final long storedAt;
  private final Freshness freshness;
  private final String etag;
  private final String lastModified;
  private final String[] tags;
  private final String[] vary; // lower-case request header names, or empty

  CachedResponse(int status, String[] headers, Buffer body, long storedAt, Freshness freshness, String[] tags,
      String[] vary) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.storedAt = storedAt;
    this.freshness = freshness;
    this.tags = tags == null ? NONE : tags;
    this.vary = vary == null ? NONE : vary;
    this.etag = find("etag");
    this.lastModified = find("last-modified");
  }

  /** A response to store: {@code headers} as clients get them. */
  public static CachedResponse of(int status, MultiMap headers, Buffer body, long storedAt, Freshness freshness,
      List<String> tags, List<String> vary) {
    List<String> flat = new ArrayList<>(headers.size() * 2);
    for (Map.Entry<String, String> e : headers) {
      flat.add(e.getKey());
      flat.add(e.getValue());
    }
    return new CachedResponse(status, flat.toArray(NONE), body, storedAt, freshness, tags.toArray(NONE),
        vary.toArray(NONE));
  }

  /** The entry under a primary key whose responses vary on {@code names}: it only names them. */
  static CachedResponse marker(List<String> names, long storedAt, Freshness freshness) {
    return new CachedResponse(0, NONE, Buffer.buffer(), storedAt, freshness, NONE, names.toArray(NONE));
  }

  private String find(String name) {
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase(name)) {
        return headers[i + 1];
      }
    }
    return null;
  }

  /** Whether this only names the headers the responses under its key vary on. */
  public boolean isMarker() {
    return status == 0;
  }

  /** The status. */
  public int status() {
    return status;
  }

  /** The headers, as name/value pairs. */
  String[] headerPairs() {
    return headers;
  }

  /** Adds the stored headers to {@code out}. */
  public void copyHeaders(MultiMap out) {
    for (int i = 0; i < headers.length; i += 2) {
      out.add(headers[i], headers[i + 1]);
    }
  }

  /** The stored headers as a new map. */
  public MultiMap headers() {
    MultiMap m = HttpHeaders.headers();
    copyHeaders(m);
    return m;
  }

  /** A header's first value, or null. */
  public String header(String name) {
    return find(name);
  }

  /** The body. */
  public Buffer body() {
    return body;
  }

  /** When it arrived (epoch millis). */
  public long storedAt() {
    return storedAt;
  }

  /** How long it stays fresh and may be served stale. */
  public Freshness freshness() {
    return freshness;
  }

  /** Its age at {@code now} (RFC 9111 4.2.3, without the upstream's {@code Date}: clocks differ). */
  public long age(long now) {
    return freshness.initialAge() + Math.max(0, now - storedAt);
  }

  /** Its {@code ETag}, or null. */
  public String etag() {
    return etag;
  }

  /** Its {@code Last-Modified}, or null. */
  public String lastModified() {
    return lastModified;
  }

  /** Whether it can be revalidated with a conditional request. */
  public boolean validatable() {
    return etag != null || lastModified != null;
  }

  /** Its tags (from the route's tags header). */
  public String[] tags() {
    return tags;
  }

  /** The request headers the response varies on (lower case), or none. */
  public String[] vary() {
    return vary;
  }

  /** Roughly what it costs in memory: body, headers, tags and object overhead. */
  public int weight() {
    long w = 96L + body.length();
    for (String h : headers) {
      w += 40 + 2L * h.length();
    }
    for (String t : tags) {
      w += 40 + 2L * t.length();
    }
    for (String v : vary) {
      w += 40 + 2L * v.length();
    }
    return (int) Math.min(Integer.MAX_VALUE, w);
  }

  /**
   * This entry after a {@code 304 Not Modified}: the 304's headers replace the stored ones of the same
   * names (RFC 9111 4.3.4), and it is fresh again from {@code now} for {@code freshness}.
   */
  public CachedResponse refreshed(MultiMap notModified, long now, Freshness freshness) {
    MultiMap merged = headers();
    for (String name : notModified.names()) {
      if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("content-encoding")
          && !name.equalsIgnoreCase("content-type")) {
        merged.remove(name);
        merged.add(name, notModified.getAll(name));
      }
    }
    List<String> flat = new ArrayList<>(merged.size() * 2);
    for (Map.Entry<String, String> e : merged) {
      flat.add(e.getKey());
      flat.add(e.getValue());
    }
    return new CachedResponse(status, flat.toArray(NONE), body, now, freshness, tags, vary);
  }

  @Override
  public String toString() {
    return isMarker() ? "vary" + List.of(vary) : status + " " + body.length() + "B stored-at=" + storedAt + " " + freshness;
  }
}
