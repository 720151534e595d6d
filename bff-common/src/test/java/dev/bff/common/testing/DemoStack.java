package dev.bff.common.testing;

import dev.bff.demo.DemoService;
import dev.bff.demo.DemoServices;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * All demo services on free ports, and the variables that point a BFF's built-in YAML at them
 * ({@code CATALOG_URL}, ...) with the BFF's own ports set to 0 and the access log off.
 */
public final class DemoStack implements AutoCloseable {
  private final DemoServices services;

  private DemoStack(DemoServices services) {
    this.services = services;
  }

  /** Starts every demo service on a free loopback port. */
  public static DemoStack start(Vertx vertx) {
    Map<String, Integer> ports = new HashMap<>();
    for (DemoService s : DemoService.values()) {
      ports.put(s.serviceName(), 0);
    }
    return new DemoStack(TestClient.await(DemoServices.start(vertx, ports), "the demo services to start"));
  }

  /** The running services (ports, fault injectors, statistics). */
  public DemoServices services() {
    return services;
  }

  /** Variables for a BFF's built-in configuration. */
  public Map<String, String> vars() {
    Map<String, String> vars = new HashMap<>();
    for (DemoService s : DemoService.values()) {
      vars.put(s.serviceName().toUpperCase(Locale.ROOT).replace('-', '_') + "_URL", services.url(s.serviceName()));
    }
    for (String bff : new String[] {"WEB", "MOBILE", "TV", "PARTNER"}) {
      vars.put("BFF_" + bff + "_PORT", "0");
      vars.put("BFF_" + bff + "_ADMIN_PORT", "0");
    }
    vars.put("BFF_PARTNER_MTLS_PORT", "0");
    vars.put("BFF_HOST", "127.0.0.1");
    vars.put("BFF_ACCESS_LOG", "false");
    return vars;
  }

  /** Removes every fault rule of every service (tests sharing one stack call it after each test). */
  public void clearFaults() {
    for (DemoService s : DemoService.values()) {
      services.faults(s.serviceName()).clear();
    }
  }

  /** Zeroes the statistics of every service and of all of them together. */
  public void resetStats() {
    for (DemoService s : DemoService.values()) {
      services.stats(s.serviceName()).reset();
    }
    services.allStats().reset();
  }

  @Override
  public void close() {
    TestClient.await(services.close(), "the demo services to stop");
  }
}
