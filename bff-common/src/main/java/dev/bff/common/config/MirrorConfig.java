package dev.bff.common.config;

import java.util.Set;

/**
 * Traffic mirroring (a route's {@code mirror} block): a share of the route's requests is also sent
 * to a shadow upstream, whose answers are read and dropped.
 *
 * @param upstream the shadow upstream
 * @param percent  the share of requests copied, 0 to 100 (100 when absent)
 */
public record MirrorConfig(String upstream, double percent) {
  static MirrorConfig read(ConfigNode n) {
    if (!n.present()) {
      return null;
    }
    n.allowOnly(Set.of("upstream", "percent"));
    return new MirrorConfig(n.requiredString("upstream"), n.number("percent", 100, 0, 100));
  }
}
