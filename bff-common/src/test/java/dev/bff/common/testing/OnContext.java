package dev.bff.common.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * Runs client work on one Vert.x context and waits for it on the test thread.
 *
 * <p>A request started from a non-Vert.x thread gets a fresh context each time, which may sit on
 * another event loop than the pooled connection it is sent on. Then the response future's
 * callbacks hop threads, and a short body can end before {@code response.body()} is called: the
 * end is lost and the call hangs (about once in a thousand requests on loopback). Starting every
 * request from the same context keeps the callbacks on the connection's event loop.
 */
public final class OnContext {
  private OnContext() {}

  /**
   * Starts {@code work} on {@code context} and awaits its result (call from the test thread only),
   * at most {@link TestClient#WAIT}.
   */
  public static <T> T await(Context context, Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(p);
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return TestClient.await(p.future(), "work on " + context);
  }
}
