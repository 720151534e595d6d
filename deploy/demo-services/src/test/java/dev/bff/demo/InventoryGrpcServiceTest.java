package dev.bff.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.demo.grpc.StockReply;
import dev.bff.demo.grpc.StockRequest;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gRPC inventory answers GetStock like the HTTP one: the stock, NOT_FOUND, INVALID_ARGUMENT. */
@ExtendWith(VertxExtension.class)
class InventoryGrpcServiceTest {
  static final ServiceMethod<StockReply, StockRequest> GET_STOCK = ServiceMethod.client(InventoryGrpcService.SERVICE,
      InventoryGrpcService.GET_STOCK, GrpcMessageEncoder.<StockRequest>encoder(),
      GrpcMessageDecoder.<StockReply>decoder(StockReply.newBuilder()));

  @Test
  void servesTheInventorysStockOverGrpc(Vertx vertx) {
    DemoServices demo = DemoServices.start(vertx, Map.of("inventory-grpc", 0)).await();
    GrpcClient client = GrpcClient.client(vertx);
    try {
      SocketAddress at = SocketAddress.inetSocketAddress(demo.port("inventory-grpc"), "127.0.0.1");
      Stock expected = ProductData.standard().stock("1").orElseThrow();

      GrpcClientResponse<StockRequest, StockReply> ok = call(client, at, "1");
      StockReply reply = ok.last().await(); // the status comes with the trailers, after the message
      assertThat(ok.status()).isEqualTo(GrpcStatus.OK);
      assertThat(reply.getQuantity()).isEqualTo(expected.quantity());
      assertThat(reply.getWarehouse()).isEqualTo(expected.warehouse());
      assertThat(reply.getShipsInDays()).isEqualTo(expected.shipsInDays());

      GrpcClientResponse<StockRequest, StockReply> missing = call(client, at, "no-such-product");
      missing.end().otherwiseEmpty().await();
      assertThat(missing.status()).isEqualTo(GrpcStatus.NOT_FOUND);
      assertThat(missing.statusMessage()).contains("no-such-product");

      GrpcClientResponse<StockRequest, StockReply> empty = call(client, at, "");
      empty.end().otherwiseEmpty().await();
      assertThat(empty.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    } finally {
      client.close().await();
      demo.close().await();
    }
  }

  private static GrpcClientResponse<StockRequest, StockReply> call(GrpcClient client, SocketAddress at, String id) {
    return client.request(at, GET_STOCK)
        .compose(req -> req.send(StockRequest.newBuilder().setProductId(id).build()))
        .await();
  }
}
