package dev.bff.common.testing;

import dev.bff.demo.grpc.StockReply;
import dev.bff.demo.grpc.StockRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gRPC server for tests (HTTP/2 cleartext, port 0) answering the demo inventory's
 * {@code GetStock} as told: with a stock reply, a status, or after a delay; it records the request
 * headers (metadata) of every call and counts connections and calls.
 */
public final class FakeGrpc implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;
  private final List<MultiMap> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile GrpcStatus status = GrpcStatus.OK;
  private volatile long delayMillis;
  private volatile int quantity = 5;

  private FakeGrpc(Vertx vertx) {
    this.vertx = vertx;
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(call -> {
      seen.add(HttpHeaders.headers().addAll(call.headers()));
      call.handler(body -> {
        String id;
        try {
          id = StockRequest.parseFrom(body.getBytes()).getProductId();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          call.response().status(GrpcStatus.INVALID_ARGUMENT).end();
          return;
        }
        Runnable answer = () -> {
          if (status != GrpcStatus.OK) {
            call.response().status(status).statusMessage("told to answer " + status.name()).end();
          } else {
            call.response().end(Buffer.buffer(StockReply.newBuilder().setProductId(id).setQuantity(quantity)
                .setWarehouse("FAKE").setShipsInDays(1).build().toByteArray()));
          }
        };
        if (delayMillis > 0) {
          vertx.setTimer(delayMillis, t -> answer.run());
        } else {
          answer.run();
        }
      });
    });
    this.server = vertx.createHttpServer().connectionHandler(c -> connections.incrementAndGet()).requestHandler(grpc);
  }

  /** Starts one on a free loopback port. */
  public static FakeGrpc start(Vertx vertx) {
    FakeGrpc f = new FakeGrpc(vertx);
    f.server.listen(0, "127.0.0.1").await();
    return f;
  }

  /** Answers every call with {@code s} (OK: a stock reply). */
  public FakeGrpc status(GrpcStatus s) {
    this.status = s;
    return this;
  }

  /** Answers every call after {@code millis}. */
  public FakeGrpc delay(long millis) {
    this.delayMillis = millis;
    return this;
  }

  /** The quantity OK replies carry. */
  public FakeGrpc quantity(int q) {
    this.quantity = q;
    return this;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The metadata of every call so far. */
  public List<MultiMap> seen() {
    return seen;
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
