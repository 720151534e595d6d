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
    int max = bytes.length * 8;
    int bits = max;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > max) {
        throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + max);
      }
    }
    return new Cidr(mask(bytes, bits), bits, t);
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
    if (a.isEmpty() || !(a.indexOf(':') >= 0 || a.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')))) {
      return null;
    }
    int pct = a.indexOf('%');
    if (pct >= 0) {
      a = a.substring(0, pct);
    }
    try {
      return InetAddress.getByName(a).getAddress(); // numeric only: checked above, so no DNS lookup
    } catch (UnknownHostException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
