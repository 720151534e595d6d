package dev.bff.common.aggregate;

import dev.bff.common.observability.CallSpan;
import dev.bff.common.observability.RouteMeters;
import dev.bff.common.routing.BffRequest;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Reply;
import dev.bff.common.upstream.UpstreamCalls;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One request through a {@link Composition}; runs on the request's event loop only. */
final class CompositionRun {
  /** The composition answers this long before the endpoint's hard deadline, so it answers first. */
  private static final long MARGIN_NANOS = 5_000_000L;

  private final Composition composition;
  private final BffRequest request;
  private final Map<String, Outcome> outcomes = new LinkedHashMap<>();
  private final Set<String> started = new HashSet<>();
  private final Map<String, Promise<Void>> running = new HashMap<>(); // cancels the upstream calls of a part
  private final PartContext context;
  private final Promise<Reply> result = Promise.promise();
  private final long deadline;
  private final Vertx vertx;
  private long timer = -1;
  private boolean finished;
  private final long begun; // the timings of a run for SlowCompositions: none without one
  private final long[] begins;
  private final long[] ends;

  CompositionRun(Composition composition, BffRequest request) {
    this.composition = composition;
    this.request = request;
    this.context = new PartContext(request, outcomes);
    this.deadline = request.deadlineNanos() - MARGIN_NANOS;
    this.vertx = Vertx.currentContext().owner();
    boolean timed = composition.slow() != null;
    this.begun = timed ? System.nanoTime() : 0;
    this.begins = timed ? new long[composition.parts().size()] : null;
    this.ends = timed ? new long[begins.length] : null;
  }

  private void mark(long[] times, Part p) {
    if (times != null) {
      times[composition.parts().indexOf(p)] = System.nanoTime();
    }
  }

  /** Keeps this run's part timings when it was slow, degraded or failed. */
  private void keepIfSlow(String result) {
    SlowCompositions slow = composition.slow();
    if (slow == null) {
      return;
    }
    long end = System.nanoTime();
    if (slow.wanted(end - begun, !result.equals("ok"))) {
      slow.record(composition.name(), composition.parts(), outcomes, begun, end, begins, ends, result);
    }
  }

  Future<Reply> start() {
    long ms = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    timer = vertx.setTimer(ms, id -> guarded(this::deadlinePassed));
    guarded(this::startReady);
    return result.future();
  }

  private void startReady() {
    for (Part p : composition.parts()) {
      if (finished || started.contains(p.name())) {
        continue;
      }
      String failedNeed = null;
      boolean ready = true;
      for (String n : p.needs()) {
        Outcome o = outcomes.get(n);
        if (o == null) {
          ready = false;
        } else if (o.value() == null) {
          failedNeed = n;
        }
      }
      if (failedNeed != null) {
        started.add(p.name());
        Failure cause = new Failure(Category.ERROR, p.upstream(), 0, "needed part '" + failedNeed + "' has no value");
        record(p, p.required() ? new Outcome.Failed(cause, 0) : new Outcome.Skipped("needs " + failedNeed));
      } else if (ready) {
        started.add(p.name());
        launch(p);
      }
    }
  }

  private void launch(Part p) {
    mark(begins, p);
    String cacheKey = null;
    if (p.cacheTtl() != null) {
      cacheKey = PartCache.key(p, request.uri(), request.principal());
      Object fresh = composition.partCache().get(cacheKey);
      if (fresh != null) {
        record(p, new Outcome.Ok(fresh, 0, true));
        return;
      }
    }
    String storeAs = cacheKey;
    long begin = System.nanoTime();
    long left = deadline - begin;
    if (left <= 0) {
      record(p, new Outcome.Failed(deadlineFailure(p), 0));
      return;
    }
    long limit = p.timeout() == null ? left : Math.min(p.timeout().toNanos(), left);
    Promise<Void> cancel = Promise.promise();
    running.put(p.name(), cancel);
    CallSpan span = request.trace() == null ? null : request.trace().call(p.upstream(), p.name());
    Future<?> call;
    try {
      UpstreamCalls calls = request.upstream(p.upstream()).withCancel(cancel.future()).withDeadline(begin + limit);
      call = p.call().call(span == null ? calls : calls.withSpan(span), context);
    } catch (RuntimeException e) {
      call = Future.failedFuture(e);
    }
    // a timer on this event loop, not Future.timeout: that one fires on a global thread for futures
    // without a context, and every step of a run must stay on the request's event loop
    long partTimer = vertx.setTimer(Math.max(1, limit / 1_000_000), id -> guarded(() -> {
      running.remove(p.name());
      record(p, new Outcome.Failed(new Failure(Category.TIMEOUT, p.upstream(), 0,
          "part '" + p.name() + "' did not finish in time"), (System.nanoTime() - begin) / 1000));
      endSpan(span, p);
      cancel.tryComplete(); // then close its upstream request (recorded first: the reset is not the reason)
    }));
    io.vertx.core.Context ctx = Vertx.currentContext();
    call.onComplete(ar -> onLoop(ctx, () -> guarded(() -> {
      vertx.cancelTimer(partTimer);
      if (outcomes.containsKey(p.name())) {
        endSpan(span, p);
        return; // already timed out
      }
      running.remove(p.name());
      long micros = (System.nanoTime() - begin) / 1000;
      if (ar.succeeded()) {
        if (storeAs != null) {
          composition.partCache().put(storeAs, p.cacheTtl(), ar.result());
        }
        record(p, new Outcome.Ok(ar.result(), micros));
      } else {
        record(p, new Outcome.Failed(Failure.of(ar.cause(), p.upstream()), micros));
      }
      endSpan(span, p);
    })));
  }

  /** Ends a part's span with how the part ended ({@code cancelled} when the endpoint failed first). */
  private void endSpan(CallSpan span, Part p) {
    if (span == null) {
      return;
    }
    Outcome o = outcomes.get(p.name());
    int status = o instanceof Outcome.Failed f ? f.cause().status()
        : o instanceof Outcome.Fallback f ? f.cause().status() : 0;
    span.end(PartLabels.result(o).label(), PartLabels.served(o, p).label(), status);
  }

  /** Counts how each part ended, once the endpoint has its answer. */
  private void observe() {
    RouteMeters m = request.meters();
    if (m == null) {
      return;
    }
    for (Part p : composition.parts()) {
      Outcome o = outcomes.get(p.name());
      if (o != null || started.contains(p.name())) {
        m.part(p.name()).record(PartLabels.result(o), PartLabels.served(o, p), PartLabels.micros(o));
      }
    }
  }

  private static void onLoop(io.vertx.core.Context ctx, Runnable r) {
    if (Vertx.currentContext() == ctx) {
      r.run();
    } else {
      ctx.runOnContext(v -> r.run());
    }
  }

  /** Runs a step; a bug in it (or in shaping) fails the request (500, logged) instead of leaving it hanging. */
  private void guarded(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      finished = true;
      cancelTimer();
      result.tryFail(e);
    }
  }

  private void record(Part p, Outcome o) {
    if (finished || outcomes.containsKey(p.name())) {
      return;
    }
    mark(ends, p);
    if (p.required() && !(o instanceof Outcome.Ok)) {
      failEndpoint(p, o);
      return;
    }
    if (o instanceof Outcome.Ok ok && p.lastGood()) {
      composition.lastGood().remember(p.name(), request.uri(), ok.value());
    }
    Object stale = o instanceof Outcome.Failed && p.lastGood() ? composition.lastGood().recall(p.name(), request.uri())
        : null;
    if (o instanceof Outcome.Failed f) {
      o = stale != null ? new Outcome.Fallback(stale, f.cause(), "stale", f.micros())
          : p.fallback() != null ? new Outcome.Fallback(p.fallback(), f.cause(), "fallback", f.micros())
          : new Outcome.Fallback(null, f.cause(), "omitted", f.micros());
    } else if (o instanceof Outcome.Skipped s && p.fallback() != null) {
      o = new Outcome.Fallback(p.fallback(), new Failure(Category.ERROR, p.upstream(), 0, s.reason()), "fallback", 0);
    }
    outcomes.put(p.name(), o);
    if (outcomes.size() == composition.parts().size()) {
      complete();
    } else {
      startReady();
    }
  }

  private void deadlinePassed() {
    timer = -1;
    for (Part p : composition.parts()) { // recorded first: cancelling a part must not turn its reason into error
      if (!outcomes.containsKey(p.name())) {
        record(p, new Outcome.Failed(deadlineFailure(p), 0));
      }
    }
  }

  private Failure deadlineFailure(Part p) {
    return new Failure(Category.DEADLINE, p.upstream(), 0, "the endpoint's deadline passed before part '"
        + p.name() + "' finished");
  }

  private void failEndpoint(Part p, Outcome o) {
    finished = true;
    cancelTimer();
    Failure cause = o instanceof Outcome.Failed f ? f.cause()
        : new Failure(Category.ERROR, p.upstream(), 0, ((Outcome.Skipped) o).reason());
    Category c = switch (cause.category()) {
      case TIMEOUT, DEADLINE -> Category.TIMEOUT;
      case NOT_FOUND, UNAVAILABLE, CIRCUIT_OPEN -> cause.category();
      default -> Category.ERROR;
    };
    outcomes.put(p.name(), o);
    observe();
    Reply reply = Reply.problem(c, "required part '" + p.name() + "' failed: " + cause.detail());
    reply.header("Server-Timing", Degradation.serverTiming(composition.parts(), outcomes, started));
    keepIfSlow("failed");
    result.tryComplete(reply);
  }

  private void complete() {
    finished = true;
    cancelTimer();
    Map<String, Outcome> ordered = new LinkedHashMap<>(); // declaration order, so equal answers are equal bytes
    for (Part p : composition.parts()) {
      ordered.put(p.name(), outcomes.get(p.name()));
    }
    observe();
    Object body = composition.shapeOf(new Parts(ordered));
    JsonArray degraded = Degradation.meta(composition.parts(), outcomes);
    if (!degraded.isEmpty() && body instanceof JsonObject json) {
      JsonObject meta = json.getJsonObject("_meta", new JsonObject());
      json.put("_meta", meta.put("degraded", degraded));
    }
    Reply reply = Reply.json(body);
    String header = Degradation.header(composition.parts(), outcomes);
    if (header != null) {
      reply.header(Degradation.HEADER, header);
    }
    reply.header("Server-Timing", Degradation.serverTiming(composition.parts(), outcomes, started));
    keepIfSlow(header == null ? "ok" : "degraded");
    result.tryComplete(reply);
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    List<Promise<Void>> unwanted = List.copyOf(running.values()); // cancelling re-enters and edits running
    running.clear();
    unwanted.forEach(Promise::tryComplete); // the parts still running are no longer wanted
  }
}
