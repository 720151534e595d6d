package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.config.UpstreamConfig;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(120)
class DnsDiscoveryTest {
  final List<FakeUpstream> ups = new ArrayList<>();
  BffUnderTest bff;

  @AfterEach
  void stop() {
    if (bff != null) {
      bff.close();
    }
    ups.forEach(FakeUpstream::close);
  }

  /** One fake upstream per address of localhost, all on the same port. */
  private int listenOnEveryAddressOfLocalhost(Vertx vertx, List<String> addresses) {
    for (int attempt = 0; ; attempt++) {
      FakeUpstream first = FakeUpstream.start(vertx, addresses.get(0), new HttpServerOptions(), addresses.get(0), 0);
      ups.add(first);
      try {
        for (String a : addresses.subList(1, addresses.size())) {
          ups.add(FakeUpstream.start(vertx, a, new HttpServerOptions(), a, first.port()));
        }
        return first.port();
      } catch (RuntimeException portTakenOnAnotherAddress) {
        ups.forEach(FakeUpstream::close);
        ups.clear();
        if (attempt == 10) {
          throw portTakenOnAnotherAddress;
        }
      }
    }
  }

  @Test
  void anUpstreamFoundByDnsIsProxiedToEveryAddressOfTheName(Vertx vertx) throws Exception {
    List<String> addresses = Arrays.stream(InetAddress.getAllByName("localhost"))
        .map(InetAddress::getHostAddress).distinct().toList();
    int port = listenOnEveryAddressOfLocalhost(vertx, addresses);
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { dns: { name: localhost, port: %d, refresh: 200ms } }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(port), Map.of());
    UpstreamGroup g = bff.running().gateway().groups().get("svc");
    assertThat(g.instances()).extracting(Instance::host).containsExactlyInAnyOrderElementsOf(addresses);
    assertThat(g.instances()).extracting(Instance::port).containsOnly(port);

    for (int i = 0; i < 2 * addresses.size(); i++) {
      var r = bff.get("/api/x");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().getString("path")).isEqualTo("/x");
    }
    assertThat(ups).allSatisfy(u -> assertThat(u.count()).as(u.name()).isEqualTo(2));

    List<Instance> before = g.instances();
    vertx.timer(700).await(); // a few refreshes resolving to the same addresses
    assertThat(g.instances()).hasSameSizeAs(before);
    for (int i = 0; i < before.size(); i++) {
      assertThat(g.instances().get(i)).as("the same instance, with its state").isSameAs(before.get(i));
    }
  }

  @Test
  void anIpv6InstanceIsProxiedWithABracketedHostHeader(Vertx vertx) {
    FakeUpstream v6;
    try {
      v6 = FakeUpstream.start(vertx, "v6", new HttpServerOptions(), "::1", 0);
    } catch (RuntimeException noIpv6) {
      org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + noIpv6);
      return;
    }
    ups.add(v6);
    bff = BffUnderTest.start(vertx, new EndpointRetryTest.Relay(), """
        upstreams:
          svc: { instances: ["http://[::1]:%d"], health-check: { path: /health, interval: 1h } }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(v6.port()), Map.of());
    String host = "[::1]:" + v6.port();
    var proxied = bff.get("/api/x");
    assertThat(proxied.status()).isEqualTo(200);
    assertThat(proxied.json().getJsonObject("headers").getString("host")).as("proxied").isEqualTo(host);
    var called = bff.get("/relay");
    assertThat(called.status()).isEqualTo(200);
    assertThat(called.json().getJsonObject("headers").getString("host")).as("from an endpoint").isEqualTo(host);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (v6.seen().stream().noneMatch(s -> s.uri().equals("/health")) && System.nanoTime() < deadline) {
      vertx.timer(20).await();
    }
    assertThat(v6.seen()).filteredOn(s -> s.uri().equals("/health")).isNotEmpty()
        .allSatisfy(s -> assertThat(s.headers().get("host")).as("health check").isEqualTo(host));
  }

  @Test
  void aNameThatDoesNotResolveLeavesTheUpstreamWithoutInstancesAnswering503(Vertx vertx) {
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { dns: { name: no-such-host.invalid, port: 80, refresh: 5s } }
        routes:
          - { path: "/api/**", upstream: svc }
        """, Map.of());
    assertThat(bff.running().gateway().groups().get("svc").instances()).isEmpty();
    var r = bff.get("/api/x");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json().getString("type")).endsWith("/upstream-unavailable");
  }

  @Test
  void replacingInstancesKeepsTheStateOfThoseThatStay() {
    UpstreamConfig c = BffUnderTest.parse("""
        upstreams:
          svc: { dns: { name: svc.example, port: 8080 }, outlier: { consecutive-failures: 1 } }
        """, Map.of()).upstreams().get("svc");
    UpstreamGroup g = new UpstreamGroup(c, () -> 42L);
    assertThat(g.instances()).isEmpty();
    assertThat(g.pick()).isNull();

    g.replaceInstances(List.of(new Instance("10.0.0.1", 8080, false), new Instance("10.0.0.2", 8080, false),
        new Instance("10.0.0.3", 8080, false), new Instance("10.0.0.4", 8080, false)));
    Instance busy = g.instances().get(0);
    Instance ejected = g.instances().get(1);
    busy.inFlightIncrement();
    g.onFailure(ejected);
    assertThat(ejected.ejected(42L)).isTrue();

    g.replaceInstances(List.of(new Instance("10.0.0.5", 8080, false), new Instance("10.0.0.2", 8080, false),
        new Instance("10.0.0.1", 8080, false)));
    List<Instance> now = g.instances();
    assertThat(now).extracting(Instance::authority)
        .containsExactly("10.0.0.5:8080", "10.0.0.2:8080", "10.0.0.1:8080");
    assertThat(now.get(2)).isSameAs(busy);
    assertThat(now.get(2).inFlight()).isEqualTo(1);
    assertThat(now.get(1)).isSameAs(ejected);
    assertThat(now.get(1).ejected(42L)).isTrue();
    assertThat(now.get(0).inFlight()).isZero();
    assertThat(now.get(0).ejected(42L)).isFalse();
    for (int i = 0; i < 10; i++) {
      assertThat(g.pick()).as("never the ejected instance").isNotSameAs(ejected);
    }
  }
}
