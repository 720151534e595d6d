package dev.bff.demo;

import io.vertx.core.http.HttpMethod;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of fault rules, indexed once so a request's lookup is one map probe plus a
 * scan of the prefix rules, longest prefix first.
 */
final class FaultRules {

  static final FaultRules EMPTY = new FaultRules(List.of());

  private final List<FaultRule> all;
  private final Map<String, FaultRule> exact = new HashMap<>();
  private final List<FaultRule> prefixes = new ArrayList<>();

  FaultRules(Collection<FaultRule> rules) {
    this.all = List.copyOf(rules);
    for (FaultRule rule : all) {
      if (rule.isPrefix()) {
        prefixes.add(rule);
      } else {
        exact.put(rule.path(), rule);
      }
    }
    prefixes.sort(Comparator.comparingInt((FaultRule r) -> r.prefix().length()).reversed());
  }

  /** Every rule, in insertion order. */
  List<FaultRule> all() {
    return all;
  }

  boolean isEmpty() {
    return all.isEmpty();
  }

  /** The most specific rule matching the request: an exact path first, then the longest prefix. */
  FaultRule find(String path, HttpMethod method) {
    FaultRule rule = findExact(path, method);
    if (rule != null) {
      return rule;
    }
    for (FaultRule prefix : prefixes) {
      if (prefix.matches(path) && prefix.appliesTo(method)) {
        return prefix;
      }
    }
    return null;
  }

  /** The rule whose path is exactly {@code path}, ignoring prefix rules. */
  FaultRule findExact(String path, HttpMethod method) {
    FaultRule rule = exact.get(path);
    return rule != null && rule.appliesTo(method) ? rule : null;
  }
}
