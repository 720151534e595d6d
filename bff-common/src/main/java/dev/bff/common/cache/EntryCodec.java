package dev.bff.common.cache;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * An entry as one binary value (the Redis store keeps each entry in one string): a version byte,
 * status, times and lifetimes, flags, headers, tags, vary names, then the body bytes as they are.
 */
final class EntryCodec {
  private static final byte VERSION = 1;

  private EntryCodec() {}

  static Buffer encode(CachedResponse e) {
    Freshness f = e.freshness();
    Buffer b = Buffer.buffer(64 + e.body().length() + 64 * e.headerPairs().length);
    b.appendByte(VERSION).appendInt(e.status()).appendLong(e.storedAt()).appendLong(f.fresh()).appendLong(f.swr())
        .appendLong(f.sie()).appendLong(f.initialAge())
        .appendByte((byte) ((f.noCache() ? 1 : 0) | (f.mustRevalidate() ? 2 : 0)));
    strings(b, e.headerPairs());
    strings(b, e.tags());
    strings(b, e.vary());
    b.appendInt(e.body().length()).appendBuffer(e.body());
    return b;
  }

  /** The entry, or null when the value is not one this version wrote (another version's: a miss). */
  static CachedResponse decode(Buffer b) {
    if (b.length() < 46 || b.getByte(0) != VERSION) {
      return null;
    }
    int[] pos = {1};
    int status = b.getInt(pos[0]);
    long storedAt = b.getLong(5);
    Freshness f = new Freshness(b.getLong(13), b.getLong(21), b.getLong(29), (b.getByte(45) & 1) != 0,
        (b.getByte(45) & 2) != 0, b.getLong(37));
    pos[0] = 46;
    String[] headers = strings(b, pos);
    String[] tags = strings(b, pos);
    String[] vary = strings(b, pos);
    int len = b.getInt(pos[0]);
    Buffer body = b.getBuffer(pos[0] + 4, pos[0] + 4 + len);
    return new CachedResponse(status, headers, body, storedAt, f, tags, vary);
  }

  private static void strings(Buffer b, String[] values) {
    b.appendInt(values.length);
    for (String s : values) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      b.appendInt(bytes.length).appendBytes(bytes);
    }
  }

  private static String[] strings(Buffer b, int[] pos) {
    int n = b.getInt(pos[0]);
    pos[0] += 4;
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      int len = b.getInt(pos[0]);
      out[i] = b.getString(pos[0] + 4, pos[0] + 4 + len, "UTF-8");
      pos[0] += 4 + len;
    }
    return out;
  }
}
