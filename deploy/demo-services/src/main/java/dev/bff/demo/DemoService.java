package dev.bff.demo;

import io.vertx.core.Vertx;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The demo services, each with its name and default port. */
public enum DemoService {
  /** Products and categories. */
  CATALOG("catalog", 7101),
  /** Product reviews and rating summaries. */
  REVIEWS("reviews", 7102),
  /** Stock levels. */
  INVENTORY("inventory", 7103),
  /** Related product ids. */
  RECOMMENDATIONS("recommendations", 7104),
  /** User profiles. */
  USERS("users", 7105),
  /** Orders, in memory. */
  ORDERS("orders", 7106),
  /** Shopping carts, in memory. */
  CART("cart", 7107),
  /** Echoes any request; streams large bodies both ways. */
  ECHO("echo", 7108),
  /** Shipping estimates. */
  SHIPPING("shipping", 7109),
  /** Signed JWTs for the demo users and the JWKS that verifies them. */
  IDENTITY("identity", 7110),
  /** Stock levels over gRPC (HTTP/2 cleartext), the inventory's data by a protobuf contract. */
  INVENTORY_GRPC("inventory-grpc", 7111);

  private final String serviceName;
  private final int defaultPort;

  DemoService(String serviceName, int defaultPort) {
    this.serviceName = serviceName;
    this.defaultPort = defaultPort;
  }

  /** The lower-case name used in URLs, options and logs, e.g. {@code "catalog"}. */
  public String serviceName() {
    return serviceName;
  }

  /** The port the service listens on by default, 7101 to 7111. */
  public int defaultPort() {
    return defaultPort;
  }

  /**
   * The service called {@code name}, ignoring case.
   *
   * @throws IllegalArgumentException naming the known services when there is none
   */
  public static DemoService byName(String name) {
    for (DemoService service : values()) {
      if (service.serviceName.equalsIgnoreCase(name.trim())) {
        return service;
      }
    }
    throw new IllegalArgumentException("unknown service '" + name + "', known: " + names());
  }

  /** The names of all services, comma separated. */
  public static String names() {
    return Arrays.stream(values()).map(DemoService::serviceName).collect(Collectors.joining(","));
  }

  /** Creates this service's business routes over the shared product domain. */
  public ServiceRoutes routes(Vertx vertx, ProductData data) {
    return switch (this) {
      case CATALOG -> new CatalogService(data);
      case REVIEWS -> new ReviewsService(data);
      case INVENTORY -> new InventoryService(vertx, data);
      case RECOMMENDATIONS -> new RecommendationsService(data);
      case USERS -> new UsersService(data);
      case ORDERS -> new OrdersService(data);
      case CART -> new CartService(data);
      case ECHO -> new EchoService(vertx);
      case SHIPPING -> new ShippingService(data);
      case IDENTITY -> new IdentityService(data);
      case INVENTORY_GRPC -> new InventoryGrpcService(vertx, data);
    };
  }

  @Override
  public String toString() {
    return serviceName;
  }
}
