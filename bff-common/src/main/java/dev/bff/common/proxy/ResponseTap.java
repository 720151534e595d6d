package dev.bff.common.proxy;

import dev.bff.common.routing.Category;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpVersion;

/**
 * Watches one proxied response on its way to the client, and may answer the client instead: the
 * response cache's hook into the proxy. Every method runs on the exchange's event loop; after
 * {@link #end()} or {@link #abort()} nothing else is called.
 */
public interface ResponseTap {
  /**
   * The upstream's response head arrived (after any retries), before anything is written to the
   * client. Returns true when the tap has answered the client itself (a revalidated or stale entry):
   * the proxy then reads and drops the upstream body.
   *
   * @param status  the upstream's status
   * @param headers the upstream's headers; on a route that edits answers ({@code transform.response}),
   *                as the edit leaves them (no validators or length of the upstream's bytes)
   * @param version the upstream connection's HTTP version
   */
  boolean head(int status, MultiMap headers, HttpVersion version);

  /** A body chunk, as it is written to the client (an edited answer comes in one chunk). */
  void chunk(Buffer chunk);

  /** The whole body reached the client. */
  void end();

  /** The response will not complete: the client left, or the upstream failed mid-body. */
  void abort();

  /**
   * No response came (refused, reset, timed out, circuit open, no instance). Returns true when the
   * tap has answered the client itself (stale-if-error); else the proxy answers with a problem.
   */
  boolean failed(Category category);
}
