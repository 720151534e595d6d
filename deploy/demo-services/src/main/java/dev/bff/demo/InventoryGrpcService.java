package dev.bff.demo;

import dev.bff.demo.grpc.StockReply;
import dev.bff.demo.grpc.StockRequest;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;

/**
 * The inventory service over gRPC (default port 7111, HTTP/2 cleartext): the same stock levels as
 * {@link InventoryService}, by the contract in {@code src/main/proto/demo/inventory/v1/inventory.proto}.
 *
 * <pre>
 * demo.inventory.v1.Inventory/GetStock {productId} → {productId, quantity, warehouse, shipsInDays},
 *   NOT_FOUND for an unknown product, INVALID_ARGUMENT without an id
 * </pre>
 *
 * The shared fault rules apply to its path ({@code /demo.inventory.v1.Inventory/GetStock}): latency
 * and hangs delay the call; a status fault answers plain HTTP (no gRPC status), which a gRPC client
 * takes as a failed call.
 */
public final class InventoryGrpcService implements ServiceRoutes {
  /** The service's full name. */
  public static final ServiceName SERVICE = ServiceName.create("demo.inventory.v1", "Inventory");
  /** The one method. */
  public static final String GET_STOCK = "GetStock";

  private final Vertx vertx;
  private final ProductData data;

  /** Serves the stock levels of {@code data}. */
  public InventoryGrpcService(Vertx vertx, ProductData data) {
    this.vertx = vertx;
    this.data = data;
  }

  @Override
  public void mount(Router router) {
    GrpcServer grpc = GrpcServer.server(vertx);
    ServiceMethod<StockRequest, StockReply> getStock = ServiceMethod.server(SERVICE, GET_STOCK,
        GrpcMessageEncoder.<StockReply>encoder(), GrpcMessageDecoder.<StockRequest>decoder(StockRequest.newBuilder()));
    grpc.callHandler(getStock, call -> call.handler(req -> stock(call, req)));
    router.post(SERVICE.pathOf(GET_STOCK)).handler(ctx -> grpc.handle(ctx.request()));
  }

  private void stock(GrpcServerRequest<StockRequest, StockReply> call, StockRequest req) {
    String id = req.getProductId();
    if (id.isEmpty()) {
      call.response().status(GrpcStatus.INVALID_ARGUMENT).statusMessage("product_id is required").end();
      return;
    }
    data.stock(id).ifPresentOrElse(
        s -> call.response().end(StockReply.newBuilder().setProductId(s.productId()).setQuantity(s.quantity())
            .setWarehouse(s.warehouse()).setShipsInDays(s.shipsInDays()).build()),
        () -> call.response().status(GrpcStatus.NOT_FOUND).statusMessage("product " + id + " not found").end());
  }
}
