package dev.bff.common.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code ::1/128}; a bare address is a
 * single-host network.
 */
public final class Cidr {
  private final byte[] network;
  private final int bits;
  private final String text;

  private Cidr(byte[] network, int bits, String text) {
    this.network = network;
    this.bits = bits;
    this.text = text;
  }

  /**
   * Parses {@code address[/bits]}; only numeric addresses are accepted (no DNS lookups).
   *
   * @throws IllegalArgumentException when the text is not a numeric address or the prefix is out of range
   */
  public static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    byte[] bytes = numeric(addr);
    if (bytes == null) {
      throw new IllegalArgumentException("'" + text + "' is not a numeric IPv4/IPv6 address or CIDR");
    }
    // an IPv4-mapped IPv6 network (::ffff:a.b.c.d/96+) comes back as IPv4: count its prefix from bit 96
    int offset = bytes.length == 4 && addr.indexOf(':') >= 0 ? 96 : 0;
    int max = bytes.length * 8 + offset;
    int bits = max;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < offset || bits > max) {
        throw new IllegalArgumentException("'" + text + "' has a prefix length outside " + offset + ".." + max);
      }
    }
    return new Cidr(mask(bytes, bits - offset), bits - offset, t);
  }

  /** Whether {@code address} (numeric text, as a socket reports it) lies inside this network. */
  public boolean contains(String address) {
    byte[] a = numeric(address);
    if (a == null) {
      return false;
    }
    if (a.length != network.length) {
      a = a.length == 16 ? unmapV4(a) : null;
      if (a == null || a.length != network.length) {
        return false;
      }
    }
    byte[] masked = mask(a, bits);
    return java.util.Arrays.equals(masked, network);
  }

  private static byte[] unmapV4(byte[] v6) {
    for (int i = 0; i < 10; i++) {
      if (v6[i] != 0) {
        return null;
      }
    }
    if (v6[10] != (byte) 0xff || v6[11] != (byte) 0xff) {
      return null;
    }
    return new byte[] {v6[12], v6[13], v6[14], v6[15]};
  }

  private static byte[] mask(byte[] a, int bits) {
    byte[] out = a.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - keep)));
    }
    return out;
  }

  private static byte[] numeric(String addr) {
    String a = addr.startsWith("[") && addr.endsWith("]") ? addr.substring(1, addr.length() - 1) : addr;
    int pct = a.indexOf('%');
    if (pct >= 0) {
      a = a.substring(0, pct);
    }
    if (a.indexOf(':') < 0) {
      return dottedQuad(a); // InetAddress would take "10" or "127.1" and look up anything else in DNS
    }
    if (!a.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
      return null;
    }
    try {
      return InetAddress.getByName(a).getAddress(); // numeric only: checked above, so no DNS lookup
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] dottedQuad(String a) {
    String[] parts = a.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  @Override
  public String toString() {
    return text;
  }
}
