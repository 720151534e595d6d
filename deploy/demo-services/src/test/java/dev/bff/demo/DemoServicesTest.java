package dev.bff.demo;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

@ExtendWith(VertxExtension.class)
class DemoServicesTest {

  @Test
  void reportsPortsAndUrls(Vertx vertx) {
    DemoServices demo = DemoServices.start(vertx, Map.of("catalog", 0, "echo", 0)).await();
    assertThat(demo.services()).containsExactly(DemoService.CATALOG, DemoService.ECHO);
    assertThat(demo.port("catalog")).isPositive().isNotEqualTo(demo.port("echo"));
    assertThat(demo.url("echo")).isEqualTo("http://127.0.0.1:" + demo.port("echo"));
    assertThatThrownBy(() -> demo.port("users")).isInstanceOf(IllegalArgumentException.class);
    demo.close().await();
  }

  @Test
  void failsForUnknownServicesAndBusyPorts(Vertx vertx) {
    assertThat(catchThrowable(() -> DemoServices.start(vertx, Map.of("nope", 0)).await()))
      .hasMessageContaining("unknown service 'nope'");
    DemoServices first = DemoServices.start(vertx, Map.of("catalog", 0)).await();
    int busy = first.port("catalog");
    assertThat(catchThrowable(() -> DemoServices.start(vertx, Map.of("users", 0, "reviews", busy)).await()))
      .isNotNull();
  }

  @Test
  void servicesHaveDistinctDefaultPorts() {
    assertThat(DemoService.CATALOG.defaultPort()).isEqualTo(7101);
    assertThat(DemoService.SHIPPING.defaultPort()).isEqualTo(7109);
    assertThat(DemoService.IDENTITY.defaultPort()).isEqualTo(7110);
    assertThat(DemoService.INVENTORY_GRPC.defaultPort()).isEqualTo(7111);
    assertThat(EnumSet.allOf(DemoService.class).stream().map(DemoService::defaultPort).distinct()).hasSize(11);
    assertThat(DemoService.byName("Echo")).isEqualTo(DemoService.ECHO);
  }

  @Test
  void parsesLaunchOptions() {
    LaunchOptions defaults = LaunchOptions.parse(new String[0], Map.of());
    assertThat(defaults.services()).hasSize(11);
    assertThat(defaults.host()).isEqualTo("127.0.0.1");
    assertThat(defaults.ports()).hasSize(11).containsEntry("catalog", 7101).containsEntry("shipping", 7109)
      .containsEntry("identity", 7110);

    LaunchOptions some = LaunchOptions.parse(
      new String[]{"--only", "catalog,echo", "--port-offset=100", "--host", "0.0.0.0"}, Map.of("DEMO_HOST", "x"));
    assertThat(some.services()).isEqualTo(Set.of(DemoService.CATALOG, DemoService.ECHO));
    assertThat(some.ports()).isEqualTo(Map.of("catalog", 7201, "echo", 7208));
    assertThat(some.host()).isEqualTo("0.0.0.0");
    assertThat(LaunchOptions.parse(new String[]{"--only", "identity,users", "--port-offset", "100"}, Map.of()).ports())
      .isEqualTo(Map.of("users", 7205, "identity", 7210));
    assertThat(LaunchOptions.parse(new String[0], Map.of("DEMO_HOST", "10.0.0.1")).host()).isEqualTo("10.0.0.1");

    assertThatThrownBy(() -> LaunchOptions.parse(new String[]{"--only", "nope"}, Map.of()))
      .hasMessageContaining("unknown service");
    assertThatThrownBy(() -> LaunchOptions.parse(new String[]{"--port-offset"}, Map.of()))
      .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> LaunchOptions.parse(new String[]{"--verbose"}, Map.of()))
      .hasMessageContaining("unknown option");
  }
}
