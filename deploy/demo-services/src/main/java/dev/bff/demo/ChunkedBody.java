package dev.bff.demo;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a body of known length in chunks, honouring back-pressure ({@code writeQueueFull} and
 * {@code drainHandler}) and optionally pausing between chunks (the trickle fault). Ends the response
 * when all bytes are written; stops quietly if the connection closes first.
 */
final class ChunkedBody {

  /** Produces the bytes {@code [offset, offset + length)} of the body. */
  @FunctionalInterface
  interface Source {
    Buffer slice(long offset, int length);
  }

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final long total;
  private final Source source;
  private final int chunkSize;
  private final long intervalMs;
  private final Promise<Void> done = Promise.promise();
  private long offset;

  private ChunkedBody(Vertx vertx, HttpServerResponse response, long total, Source source, int chunkSize,
                      long intervalMs) {
    this.vertx = vertx;
    this.response = response;
    this.total = total;
    this.source = source;
    this.chunkSize = chunkSize;
    this.intervalMs = intervalMs;
  }

  /**
   * Writes {@code total} bytes from {@code source}; the response headers must already be set.
   *
   * @return completes when the response has ended, fails if the connection closed first
   */
  static Future<Void> write(Vertx vertx, HttpServerResponse response, long total, Source source, int chunkSize,
                            long intervalMs) {
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("chunkSize must be positive");
    }
    ChunkedBody body = new ChunkedBody(vertx, response, total, source, chunkSize, intervalMs);
    body.pump();
    return body.done.future();
  }

  /** A source slicing one in-memory buffer. */
  static Source of(Buffer buffer) {
    return (offset, length) -> buffer.slice((int) offset, (int) offset + length);
  }

  private void pump() {
    while (true) {
      if (response.closed()) {
        done.tryFail("connection closed after " + offset + " of " + total + " bytes");
        return;
      }
      if (offset >= total) {
        response.end().onComplete(done);
        return;
      }
      if (response.writeQueueFull()) {
        response.drainHandler(v -> {
          response.drainHandler(null);
          pump();
        });
        return;
      }
      int length = (int) Math.min(chunkSize, total - offset);
      response.write(source.slice(offset, length));
      offset += length;
      if (intervalMs > 0 && offset < total) {
        vertx.setTimer(intervalMs, id -> pump());
        return;
      }
    }
  }
}
