package dev.bff.common.auth;

import dev.bff.common.config.AuthConfig.AuthRule;
import java.util.List;
import java.util.Set;

/** Whether a principal may call a route: the roles, scopes and clients its {@code auth} rule requires. */
final class AuthPolicy {
  private AuthPolicy() {}

  /** Why {@code p} may not call it, or null when it may. */
  static String denied(AuthRule rule, Principal p) {
    if (!rule.anyRole().isEmpty() && !any(p.roles(), rule.anyRole())) {
      return "one of the roles " + rule.anyRole() + " is required";
    }
    if (!p.roles().containsAll(rule.allRoles())) {
      return "the roles " + rule.allRoles() + " are required";
    }
    if (!rule.anyScope().isEmpty() && !any(p.scopes(), rule.anyScope())) {
      return "one of the scopes " + rule.anyScope() + " is required";
    }
    if (!p.scopes().containsAll(rule.allScopes())) {
      return "the scopes " + rule.allScopes() + " are required";
    }
    if (!rule.clients().isEmpty() && (p.partner() == null || !rule.clients().contains(p.partner()))) {
      return "this client may not call it";
    }
    return null;
  }

  private static boolean any(Set<String> have, List<String> wanted) {
    for (String w : wanted) {
      if (have.contains(w)) {
        return true;
      }
    }
    return false;
  }
}
