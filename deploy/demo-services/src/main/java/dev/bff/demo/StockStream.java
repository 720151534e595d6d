package dev.bff.demo;

import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Random;

/**
 * One product's stock changes over a WebSocket: a JSON text frame {@code {productId, quantity, at}}
 * at once, then one per interval as the quantity moves by a few units (never below 0; the changes of
 * a product are the same on every stream, from its stock level). After {@code updates} changes (0: no
 * limit) it closes with 1000; it stops when the client closes.
 */
final class StockStream {
  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final String productId;
  private final long intervalMillis;
  private final int updates;
  private final Random random;
  private final Runnable ended;
  private int quantity;
  private int sent;
  private long timer = -1;

  /** A stream of {@code stock} on {@code ws}; {@code ended} runs once the socket has closed. */
  StockStream(Vertx vertx, ServerWebSocket ws, Stock stock, long intervalMillis, int updates, Runnable ended) {
    this.vertx = vertx;
    this.ws = ws;
    this.productId = stock.productId();
    this.quantity = stock.quantity();
    this.intervalMillis = intervalMillis;
    this.updates = updates;
    this.random = new Random(stock.productId().hashCode());
    this.ended = ended;
  }

  /** Sends the current level and starts the changes. */
  void start() {
    ws.closeHandler(v -> {
      stop();
      ended.run();
    });
    ws.textMessageHandler(text -> { }); // nothing is read from the client: frames are dropped
    send();
    timer = vertx.setPeriodic(intervalMillis, id -> tick());
  }

  private void tick() {
    if (ws.isClosed()) {
      stop();
      return;
    }
    quantity = Math.max(0, quantity + random.nextInt(7) - 3);
    send();
    if (updates > 0 && ++sent >= updates) {
      stop();
      ws.close((short) 1000, "done");
    }
  }

  private void send() {
    if (!ws.writeQueueFull()) { // a client that reads nothing misses changes rather than piling them up
      ws.writeTextMessage(new JsonObject().put("productId", productId).put("quantity", quantity)
          .put("at", Instant.now().toString()).encode());
    }
  }

  private void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
