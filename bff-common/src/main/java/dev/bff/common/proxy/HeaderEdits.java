package dev.bff.common.proxy;

import dev.bff.common.config.HeaderOps;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;

/** Applies a route's configured {@link HeaderOps} to a header map. */
public final class HeaderEdits {
  private HeaderEdits() {}

  /** Renames, then removes, then sets, then adds. */
  public static void apply(HeaderOps ops, MultiMap headers) {
    if (ops.isEmpty()) {
      return;
    }
    for (Map.Entry<String, String> e : ops.rename().entrySet()) {
      List<String> values = List.copyOf(headers.getAll(e.getKey()));
      if (!values.isEmpty()) {
        headers.remove(e.getKey());
        headers.set(e.getValue(), values);
      }
    }
    for (String r : ops.remove()) {
      headers.remove(r);
    }
    for (Map.Entry<String, String> e : ops.set().entrySet()) {
      headers.set(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : ops.add().entrySet()) {
      headers.add(e.getKey(), e.getValue());
    }
  }
}
