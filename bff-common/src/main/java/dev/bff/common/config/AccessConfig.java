package dev.bff.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Who may reach a BFF from where: IP allow/deny lists and CORS for browser origins. */
public final class AccessConfig {
  private AccessConfig() {}

  /**
   * IP allow and deny lists (IPv4 and IPv6 CIDRs), checked against the client address after the
   * trusted proxies' {@code X-Forwarded-For}: a denied address never passes; with an allow list,
   * only listed addresses do.
   *
   * @param allow allowed networks (empty: all)
   * @param deny  denied networks
   */
  public record IpFilter(List<Cidr> allow, List<Cidr> deny) {
    /** Lets every address in. */
    public static final IpFilter NONE = new IpFilter(List.of(), List.of());

    /** Whether it filters anything. */
    public boolean isEmpty() {
      return allow.isEmpty() && deny.isEmpty();
    }

    /** Whether {@code address} may pass. */
    public boolean permits(String address) {
      for (Cidr c : deny) {
        if (c.contains(address)) {
          return false;
        }
      }
      if (allow.isEmpty()) {
        return true;
      }
      for (Cidr c : allow) {
        if (c.contains(address)) {
          return true;
        }
      }
      return false;
    }

    static IpFilter read(ConfigNode n) {
      if (!n.present()) {
        return NONE;
      }
      n.allowOnly(Set.of("allow", "deny"));
      return new IpFilter(cidrs(n, "allow"), cidrs(n, "deny"));
    }

    private static List<Cidr> cidrs(ConfigNode n, String key) {
      List<Cidr> out = new ArrayList<>();
      for (ConfigNode c : n.list(key)) {
        String t = c.text();
        if (t != null) {
          try {
            out.add(Cidr.parse(t));
          } catch (IllegalArgumentException e) {
            c.problem(null, e.getMessage());
          }
        }
      }
      return List.copyOf(out);
    }
  }

  /**
   * Cross-origin requests from browsers (the gateway answers preflights itself).
   *
   * @param origins       allowed origins ({@code https://shop.example.com}), or {@code *} for any
   * @param methods       allowed methods
   * @param headers       allowed request headers (lower case)
   * @param exposeHeaders response headers scripts may read
   * @param credentials   whether cookies and Authorization may be sent (then never {@code *})
   * @param maxAge        how long browsers may cache a preflight answer
   */
  public record Cors(Set<String> origins, Set<String> methods, Set<String> headers, List<String> exposeHeaders,
      boolean credentials, Duration maxAge) {
    /** Whether any origin is allowed. */
    public boolean anyOrigin() {
      return origins.contains("*");
    }

    static Cors read(ConfigNode n) {
      if (!n.present()) {
        return null;
      }
      n.allowOnly(Set.of("origins", "methods", "headers", "expose-headers", "credentials", "max-age"));
      Set<String> origins = new LinkedHashSet<>();
      for (ConfigNode o : n.list("origins")) {
        String t = o.text();
        if (t == null) {
          continue;
        }
        if (!t.equals("*") && !t.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
          o.problem(null, "must be * or an origin like https://shop.example.com, was '" + t + "'");
        }
        origins.add(t.toLowerCase(Locale.ROOT));
      }
      if (origins.isEmpty()) {
        n.problem("origins", "is required: the origins browsers may call from, or [\"*\"]");
      }
      boolean credentials = n.bool("credentials", false);
      if (credentials && origins.contains("*")) {
        n.problem("credentials", "cannot be true with origins [*]: list the origins");
      }
      Set<String> methods = new LinkedHashSet<>();
      List<String> m = n.strings("methods");
      (m.isEmpty() ? List.of("GET", "HEAD", "POST") : m).forEach(x -> methods.add(x.toUpperCase(Locale.ROOT)));
      Set<String> headers = new LinkedHashSet<>();
      List<String> h = n.strings("headers");
      (h.isEmpty() ? List.of("Authorization", "Content-Type", "Accept", "Accept-Language", "If-None-Match",
          "X-Request-Id") : h).forEach(x -> headers.add(x.toLowerCase(Locale.ROOT)));
      List<String> expose = n.strings("expose-headers");
      return new Cors(Set.copyOf(origins), Set.copyOf(methods), Set.copyOf(headers),
          List.copyOf(expose.isEmpty() ? List.of("BFF-Degraded", "Server-Timing", "ETag", "X-Request-Id",
              "RateLimit", "RateLimit-Policy", "Retry-After") : expose), credentials,
          n.duration("max-age", Duration.ofMinutes(10)));
    }
  }
}
