package dev.bff.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The inventory's stock stream: a WebSocket of {productId, quantity, at} frames. */
@ExtendWith(VertxExtension.class)
class InventoryStreamTest {
  private Vertx vertx;
  private Http http;
  private DemoServices demo;
  private WebSocketClient client;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    http = new Http(vertx);
    demo = DemoServices.start(vertx, Map.of("inventory", 0)).await();
    client = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() {
    client.close().await();
    demo.close().await();
  }

  private WebSocketConnectOptions options(String uri) {
    URI base = URI.create(demo.url("inventory"));
    return new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort()).setURI(uri);
  }

  @Test
  void theCurrentLevelComesAtOnceThenChangesUntilTheAskedNumber() throws Exception {
    int quantity = http.getJson(demo.url("inventory") + "/inventory/12").getInteger("quantity");
    LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    ws.connect(options("/inventory/12/stream?intervalMs=20&updates=3")).await();

    JsonObject first = frames.poll(10, TimeUnit.SECONDS);
    assertThat(first.getString("productId")).isEqualTo("12");
    assertThat(first.getInteger("quantity")).isEqualTo(quantity);
    assertThat(Instant.parse(first.getString("at"))).isBeforeOrEqualTo(Instant.now());
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1000);
    assertThat(ws.closeReason()).isEqualTo("done");
    assertThat(frames).hasSize(3).allSatisfy(f -> {
      assertThat(f.getString("productId")).isEqualTo("12");
      assertThat(f.getInteger("quantity")).isNotNegative();
    });
    Http.eventually(() -> demo.stats("inventory").inFlight() == 0);
  }

  @Test
  void withoutAnUpgradeTheStreamIs426AndAnUnknownProduct404() {
    Http.Reply plain = http.get(demo.url("inventory") + "/inventory/12/stream");
    assertThat(plain.status()).isEqualTo(426);
    assertThat(plain.headers().get("upgrade")).isEqualTo("websocket");
    Throwable refused = client.connect(options("/inventory/no-such/stream"))
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
    assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(404);
  }
}
