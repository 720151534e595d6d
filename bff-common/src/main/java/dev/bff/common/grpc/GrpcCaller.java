package dev.bff.common.grpc;

import dev.bff.common.resilience.Breaker;
import dev.bff.common.routing.Category;
import dev.bff.common.upstream.Failures;
import dev.bff.common.upstream.Instance;
import dev.bff.common.upstream.UpstreamException;
import dev.bff.common.upstream.UpstreamGroup;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's unary gRPC calls to an upstream: HTTP/2 connections (cleartext with prior
 * knowledge to {@code http://} instances, TLS with ALPN to {@code https://} ones), multiplexed, over
 * the group's instances, balancer, outlier detection and circuit breaker, counted in its meters.
 * A call sends {@code grpc-timeout} with the time it has left and is cancelled (RST_STREAM) when
 * that passes or when the caller gives up. gRPC calls are not retried: a method is not known to be
 * idempotent.
 */
public final class GrpcCaller {
  private final Vertx vertx;
  private final UpstreamGroup group;
  private GrpcClient plain;
  private GrpcClient tls;

  /** Creates the caller; its clients open on first use, on the calling event loop. */
  public GrpcCaller(Vertx vertx, UpstreamGroup group) {
    this.vertx = vertx;
    this.group = group;
  }

  /**
   * Calls {@code method} with {@code request} (JSON) and completes with the response as JSON; fails
   * with a {@link GrpcCallException} for a status other than OK, an {@link UpstreamException} when
   * the call could not be made or did not end in time, or an {@link IllegalArgumentException} when
   * the request does not fit the method's request type (nothing is sent).
   *
   * @param metadata      headers sent with the call (trace context, request id, identity), or null
   * @param timeoutMillis the time the call has: sent as {@code grpc-timeout}, then it is cancelled
   * @param cancel        completes when the caller gives up (the call is cancelled), or null
   */
  public Future<JsonObject> call(GrpcMethod method, JsonObject request, MultiMap metadata, long timeoutMillis,
      Future<Void> cancel) {
    Buffer payload;
    try {
      payload = method.encode(request);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Breaker.Ticket ticket = null;
    if (group.breaker() != null) {
      ticket = group.breaker().tryAcquire();
      if (ticket == null) {
        group.meters().rejected(Category.CIRCUIT_OPEN);
        return Future.failedFuture(new UpstreamException(group.name(), Category.CIRCUIT_OPEN, 0));
      }
    }
    Instance inst = group.pick();
    if (inst == null) {
      group.meters().rejected(Category.UNAVAILABLE);
      if (ticket != null) {
        ticket.neutral();
      }
      return Future.failedFuture(new UpstreamException(group.name(), Category.UNAVAILABLE, 0));
    }
    Promise<JsonObject> done = Promise.promise();
    inst.inFlightIncrement();
    long sent = System.nanoTime();
    long timeout = Math.max(1, timeoutMillis);
    boolean[] timedOut = {false};
    long[] timer = {-1};
    ServiceMethod<Buffer, Buffer> sm = ServiceMethod.client(method.service(), method.name(), GrpcMessageEncoder.IDENTITY,
        GrpcMessageDecoder.IDENTITY);
    client(inst.ssl()).request(inst.address(), sm).compose(req -> {
      if (metadata != null) {
        req.headers().addAll(metadata);
      }
      req.timeout(timeout, TimeUnit.MILLISECONDS); // grpc-timeout: the service may stop working on it too
      timer[0] = vertx.setTimer(timeout, id -> {
        timedOut[0] = true;
        req.cancel();
      });
      if (cancel != null) {
        cancel.onComplete(v -> req.cancel()); // a no-op once the call has ended
      }
      return req.send(payload);
    }).compose(GrpcCaller::whole).onComplete(ar -> {
      vertx.cancelTimer(timer[0]);
      inst.inFlightDecrement();
      done.handle(ar.succeeded() ? decode(method, ar.result()) : Future.failedFuture(ar.cause()));
    });
    Breaker.Ticket t = ticket;
    return done.future().transform(ar -> {
      Throwable failure = ar.failed() ? ar.cause() : null;
      boolean gaveUp = cancel != null && cancel.isComplete() && !timedOut[0];
      Throwable outcome = failure == null ? null : account(inst, failure, sent, timedOut[0], gaveUp);
      if (t != null) {
        report(t, outcome, gaveUp);
      }
      if (outcome == null) {
        group.meters().answered(200, sent);
        group.onSuccess(inst);
        return Future.succeededFuture(ar.result());
      }
      return Future.failedFuture(outcome);
    });
  }

  /** Counts a failed call and returns what the caller gets. */
  private Throwable account(Instance inst, Throwable failure, long sent, boolean timedOut, boolean gaveUp) {
    if (failure instanceof GrpcCallException g) {
      group.meters().answered(g.status(), sent);
      if (GrpcStatuses.upstreamFault(g.grpcStatus())) {
        group.onFailure(inst);
      } else {
        group.onSuccess(inst);
      }
      return g;
    }
    if (gaveUp) {
      group.meters().cancelled(sent);
      return new UpstreamException(group.name(), Category.ERROR, 0);
    }
    Category c = timedOut ? Category.TIMEOUT : failure instanceof IllegalArgumentException ? Category.ERROR
        : Failures.classify(failure);
    group.meters().failed(c, sent);
    group.onFailure(inst);
    return new UpstreamException(group.name(), c, 0);
  }

  private static void report(Breaker.Ticket t, Throwable outcome, boolean gaveUp) {
    if (outcome == null) {
      t.success();
    } else if (gaveUp) {
      t.neutral();
    } else if (outcome instanceof GrpcCallException g) {
      if (GrpcStatuses.upstreamFault(g.grpcStatus())) {
        t.failure();
      } else {
        t.success();
      }
    } else if (outcome instanceof UpstreamException u && Failures.upstreamFault(u.category())) {
      t.failure();
    } else {
      t.neutral();
    }
  }

  /** The response's one message and status, once it has ended. */
  private record Answer(GrpcStatus status, String message, Buffer body) {}

  private static Future<Answer> whole(GrpcClientResponse<Buffer, Buffer> resp) {
    Promise<Answer> p = Promise.promise();
    Buffer[] last = {null};
    resp.handler(b -> last[0] = b);
    resp.exceptionHandler(p::tryFail);
    resp.endHandler(v -> p.tryComplete(new Answer(resp.status(), resp.statusMessage(), last[0])));
    return p.future();
  }

  private Future<JsonObject> decode(GrpcMethod method, Answer a) {
    if (a.status() != GrpcStatus.OK) {
      return Future.failedFuture(new GrpcCallException(group.name(), a.status() == null ? GrpcStatus.UNKNOWN
          : a.status(), a.message()));
    }
    if (a.body() == null) {
      return Future.failedFuture(new GrpcCallException(group.name(), GrpcStatus.INTERNAL,
          "OK without a response message"));
    }
    try {
      return Future.succeededFuture(method.decode(a.body()));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return Future.failedFuture(new GrpcCallException(group.name(), GrpcStatus.INTERNAL,
          "the response is not a " + method.fullName() + " response"));
    }
  }

  private GrpcClient client(boolean ssl) {
    if (ssl) {
      if (tls == null) {
        tls = GrpcClient.client(vertx, options().setSsl(true).setUseAlpn(true));
      }
      return tls;
    }
    if (plain == null) {
      plain = GrpcClient.client(vertx, options().setHttp2ClearTextUpgrade(false));
    }
    return plain;
  }

  private HttpClientOptions options() {
    HttpClientOptions o = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setName("grpc-" + group.name())
        .setConnectTimeout((int) group.config().connectTimeout().toMillis())
        .setKeepAliveTimeout((int) Math.max(1, group.config().keepAlive().toSeconds()))
        .setTcpNoDelay(true);
    if (group.tls() != null) {
      group.tls().configure(o);
    }
    return o;
  }

  /** Closes this event loop's gRPC connections. */
  public Future<Void> close() {
    return Future.join(plain == null ? Future.succeededFuture() : plain.close(),
        tls == null ? Future.succeededFuture() : tls.close()).mapEmpty();
  }
}
