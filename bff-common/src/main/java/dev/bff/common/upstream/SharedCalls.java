package dev.bff.common.upstream;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * In-flight de-duplication for one upstream, across all event loops: identical calls (same method,
 * URI and headers) made while one is in flight share that one upstream call and its response.
 * The shared call is cancelled only when every caller waiting for it has given up.
 */
public final class SharedCalls {
  private final ConcurrentHashMap<String, Entry> inFlight = new ConcurrentHashMap<>();

  private static final class Entry {
    final Promise<UpstreamResponse> result = Promise.promise();
    final Promise<Void> cancel = Promise.promise();
    int waiters;
    boolean started;
    boolean closed;
  }

  /**
   * Joins the identical call in flight under {@code key}, or starts it with {@code start} (which
   * gets the signal that cancels the shared call). The returned future completes on the caller's
   * context.
   *
   * @param cancel completes when this caller gives up (null: never)
   */
  public Future<UpstreamResponse> join(String key, Future<Void> cancel,
      Function<Future<Void>, Future<UpstreamResponse>> start) {
    Context ctx = Vertx.currentContext();
    Entry e;
    boolean leader;
    while (true) {
      e = inFlight.computeIfAbsent(key, k -> new Entry());
      synchronized (e) {
        if (e.closed) {
          continue; // finished a moment ago and being removed: start a fresh one
        }
        e.waiters++;
        leader = !e.started;
        e.started = true;
      }
      break;
    }
    Entry entry = e;
    if (leader) {
      start.apply(entry.cancel.future()).onComplete(ar -> {
        synchronized (entry) {
          entry.closed = true;
        }
        inFlight.remove(key, entry);
        entry.result.handle(ar);
      });
    }
    if (cancel != null) {
      cancel.onComplete(v -> leave(entry));
    }
    Promise<UpstreamResponse> mine = Promise.promise();
    entry.result.future().onComplete(ar -> {
      if (ctx == null || Vertx.currentContext() == ctx) {
        mine.handle(ar);
      } else {
        ctx.runOnContext(v -> mine.handle(ar)); // back to the caller's event loop
      }
    });
    return mine.future();
  }

  private static void leave(Entry e) {
    boolean last;
    synchronized (e) {
      last = --e.waiters == 0 && !e.closed;
    }
    if (last) {
      e.cancel.tryComplete();
    }
  }

  /** Calls in flight now (for tests and the admin view). */
  public int size() {
    return inFlight.size();
  }
}
