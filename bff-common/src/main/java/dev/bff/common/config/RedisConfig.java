package dev.bff.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Set;

/**
 * The Redis that replicas of a BFF share (the top-level {@code redis} block): API keys now; rate
 * limits and the response cache use it too.
 *
 * @param url     {@code redis://[:password@]host:port[/db]} or {@code rediss://} for TLS
 * @param timeout a command not answered within this is a failure (the caller decides what that means)
 * @param pool    connections to Redis
 */
public record RedisConfig(String url, Duration timeout, int pool) {
  static RedisConfig read(ConfigNode n) {
    if (!n.present()) {
      return null;
    }
    n.allowOnly(Set.of("url", "timeout", "pool"));
    String url = n.requiredString("url");
    if (url != null) {
      try {
        URI u = new URI(url);
        if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme()) || u.getHost() == null) {
          n.problem("url", "must be redis://host:port or rediss://host:port, was '" + redacted(url) + "'");
        }
      } catch (URISyntaxException e) {
        n.problem("url", "is not a valid URL: '" + redacted(url) + "'");
      }
    }
    Duration timeout = n.duration("timeout", Duration.ofMillis(500));
    if (timeout.isZero()) {
      n.problem("timeout", "must be more than 0");
    }
    return new RedisConfig(url, timeout, n.integer("pool", 8, 1, 256));
  }

  /** The URL without its password, for messages and logs. */
  public static String redacted(String url) {
    return url == null ? null : url.replaceAll("//[^@/]*@", "//***@");
  }

  @Override
  public String toString() {
    return "redis(" + redacted(url) + ")";
  }
}
