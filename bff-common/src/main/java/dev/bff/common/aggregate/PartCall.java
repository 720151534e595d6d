package dev.bff.common.aggregate;

import dev.bff.common.upstream.UpstreamCalls;
import io.vertx.core.Future;

/** How a part calls its upstream, built from the client request and the parts it needs. */
@FunctionalInterface
public interface PartCall {
  /** Calls the upstream; the future's value becomes the part's value. */
  Future<?> call(UpstreamCalls upstream, PartContext context);
}
