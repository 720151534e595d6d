package dev.bff.common.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The audit log (the top-level {@code audit} block): one JSON line per request to the listed routes
 * and endpoints on the {@code bff.audit} logger, with who made it, what came back and the request's
 * JSON body with sensitive fields masked.
 *
 * @param routes  route ids and endpoint names whose requests are audited
 * @param masks   fields masked wherever they occur in a body
 * @param maxBody bodies larger than this are logged by size only
 */
public record AuditConfig(Set<String> routes, List<Mask> masks, int maxBody) {
  /** No audit log. */
  public static final AuditConfig NONE = new AuditConfig(Set.of(), List.of(), 0);

  /**
   * A field to mask.
   *
   * @param field    the field name (any depth; case-insensitive)
   * @param keepLast characters kept at the end (e.g. 4 for card numbers), 0 to mask it all
   */
  public record Mask(String field, int keepLast) {}

  /** Whether anything is audited. */
  public boolean enabled() {
    return !routes.isEmpty();
  }

  static AuditConfig read(ConfigNode n) {
    if (!n.present()) {
      return NONE;
    }
    n.allowOnly(Set.of("routes", "mask", "max-body"));
    Set<String> routes = new LinkedHashSet<>(n.strings("routes"));
    if (routes.isEmpty()) {
      n.problem("routes", "is required: the route ids and endpoint names to audit");
    }
    List<Mask> masks = new ArrayList<>();
    for (ConfigNode m : n.list("mask")) {
      if (!m.isObject()) {
        String field = m.text();
        if (field != null) {
          masks.add(new Mask(field, 0));
        }
        continue;
      }
      m.allowOnly(Set.of("field", "keep-last"));
      String field = m.requiredString("field");
      if (field != null) {
        masks.add(new Mask(field, m.integer("keep-last", 0, 0, 64)));
      }
    }
    return new AuditConfig(Set.copyOf(routes), List.copyOf(masks),
        (int) Math.min(Integer.MAX_VALUE, n.size("max-body", 16 * 1024)));
  }
}
