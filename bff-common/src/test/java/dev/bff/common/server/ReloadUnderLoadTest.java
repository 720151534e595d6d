package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.RateLoad;
import dev.bff.common.testing.RateLoad.Sample;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reload acceptance test: 200 requests a second (pass-through routes, a rate-limited route and a
 * composed endpoint, over 16 keep-alive connections spread on two event loops) for 2 s of warm-up and
 * 3 s, then for 10 s
 * while the configuration is reloaded 20 times, adding and removing a route, moving an upstream
 * between instances and changing a rate limit. Not one request may fail or get anything but 200;
 * the p99 before and during the reloads is reported (figures, not a timed assertion).
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class ReloadUnderLoadTest {
  static final int RATE = 200;
  static final int RELOADS = 20;

  static String yaml(int i) {
    String instances = switch (i % 3) {
      case 0 -> "\"${A1}\"";
      case 1 -> "\"${A1}\", \"${A2}\"";
      default -> "\"${A2}\"";
    };
    String extra = i % 2 == 1 ? "  - { id: extra, path: \"/extra/**\", upstream: b, methods: [GET] }\n" : "";
    return """
        server: { port: 0, admin-port: 0, instances: 2 }
        upstreams:
          a: { instances: [%s], response-timeout: 5s }
          b: { instances: ["${B}"], response-timeout: 5s }
        rate-limits:
          policies:
            everyone: { key: ip, rate: %d/m }
        routes:
          - { id: a, path: "/a/**", upstream: a, methods: [GET], rate-limit: [everyone] }
          - { id: b, path: "/b/**", upstream: b, methods: [GET] }
        %s
        endpoints:
          page:
            path: /page/:id
            deadline: 3s
            parts:
              one: { upstream: a, path: "/one/{id}", required: true }
              two: { upstream: b, path: "/two/{id}", required: true }
        """.formatted(instances, 1_000_000 + i * 1000, extra);
  }

  @Test
  void twentyReloadsUnderLoadFailNoRequest(Vertx vertx, @TempDir Path dir) throws Exception {
    FakeUpstream a1 = FakeUpstream.start(vertx, "a1");
    FakeUpstream a2 = FakeUpstream.start(vertx, "a2");
    FakeUpstream b = FakeUpstream.start(vertx, "b");
    Path file = dir.resolve("bff.yaml");
    Files.writeString(file, yaml(0));
    Map<String, String> vars = Map.of("A1", a1.url(), "A2", a2.url(), "B", b.url());
    try (BffUnderTest bff = BffUnderTest.startFile(vertx, BffUnderTest.TestModule.INSTANCE, file, vars);
        TestClient admin = TestClient.of(vertx, bff.adminPort());
        RateLoad load = RateLoad.start(vertx, bff.port(), List.of("/a/1", "/b/2", "/page/3", "/a/4"), RATE, 16)) {
      Thread.sleep(2000); // warm-up (JIT), not counted
      long beforeFrom = load.elapsedMs();
      Thread.sleep(3000);
      long reloadsFrom = load.elapsedMs();
      for (int i = 1; i <= RELOADS; i++) {
        Files.writeString(file, yaml(i));
        var r = admin.send(HttpMethod.POST, "/admin/reload", Map.of(), null);
        assertThat(r.status()).as("reload %d: %s", i, r.body()).isEqualTo(200);
        JsonObject out = r.body().toJsonObject();
        assertThat(out.getString("status")).isEqualTo("reloaded");
        assertThat(out.getInteger("version")).isEqualTo(i + 1);
        assertThat(bff.get("/extra/x").status()).as("the extra route after reload %d", i)
            .isEqualTo(i % 2 == 1 ? 200 : 404);
        Thread.sleep(500);
      }
      long reloadsUntil = load.elapsedMs();
      List<Sample> all = load.stop();

      List<Sample> before = all.stream().filter(s -> s.startedMs() >= beforeFrom && s.startedMs() < reloadsFrom)
          .toList();
      List<Sample> during = all.stream().filter(s -> s.startedMs() >= reloadsFrom && s.startedMs() < reloadsUntil)
          .toList();
      System.out.printf("reload under load: %d requests at %d/s, %d reloads in %.1f s; p99 before %.2f ms (%d "
              + "requests), during %.2f ms (%d requests); p50 before %.2f ms, during %.2f ms; statuses %s%n",
          all.size(), RATE, RELOADS, (reloadsUntil - reloadsFrom) / 1000.0, RateLoad.percentile(before, 99),
          before.size(), RateLoad.percentile(during, 99), during.size(), RateLoad.percentile(before, 50),
          RateLoad.percentile(during, 50), RateLoad.statuses(all));
      assertThat(all.stream().filter(s -> s.status() != 200).limit(5).toList()).as("failed requests").isEmpty();
      assertThat(during.size()).as("requests sent during the reloads").isGreaterThan(RATE * 9);
      assertThat(a2.count()).as("a2 served while it was configured").isPositive();
    } finally {
      a1.close();
      a2.close();
      b.close();
    }
  }
}
