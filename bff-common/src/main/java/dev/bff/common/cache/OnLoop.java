package dev.bff.common.cache;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Runs code on a request's event loop: at once when already there, else queued to it. */
final class OnLoop {
  private OnLoop() {}

  static void run(Context ctx, Runnable r) {
    if (Vertx.currentContext() == ctx) {
      r.run();
    } else {
      ctx.runOnContext(v -> r.run());
    }
  }
}
