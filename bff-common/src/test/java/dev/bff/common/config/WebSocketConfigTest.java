package dev.bff.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A route's {@code websocket} block: defaults, sizes, and the mistakes reported with their key paths. */
class WebSocketConfigTest {
  private static final String HEAD = """
      upstreams:
        svc: { instances: ["http://127.0.0.1:7101"] }
      routes:
      """;

  private static BffConfig parse(String routes) {
    return new ConfigLoader(new EnvSubstitution(Map.<String, String>of()::get), 8080, 9080)
        .parse(HEAD + routes, "ws.yaml");
  }

  @Test
  void anEmptyBlockTakesTheDefaultsAndNoBlockMeansNoTunnel() {
    BffConfig c = parse("""
          - { id: live, path: "/live/**", upstream: svc, websocket: {} }
          - { id: plain, path: "/plain/**", upstream: svc }
        """);
    assertThat(c.routes().get(0).websocket()).isEqualTo(new WebSocketConfig(Duration.ofSeconds(60), 64 * 1024,
        256 * 1024));
    assertThat(c.routes().get(1).websocket()).isNull();
    assertThat(WebSocketConfig.decoderLimit(c.routes())).isEqualTo(256 * 1024);
  }

  @Test
  void sizesAndTheIdleTimeoutAreRead() {
    BffConfig c = parse("""
          - { path: "/a/**", upstream: svc,
              websocket: { idle-timeout: 5m, max-frame-size: 8KB, max-message-size: 1MB } }
          - { path: "/b/**", upstream: svc, websocket: { max-frame-size: 512KB } }
        """);
    assertThat(c.routes().get(0).websocket()).isEqualTo(new WebSocketConfig(Duration.ofMinutes(5), 8192, 1 << 20));
    assertThat(c.routes().get(1).websocket().maxMessageSize()).as("at least the frame size").isEqualTo(512 * 1024);
    assertThat(WebSocketConfig.decoderLimit(c.routes())).as("the largest message any route takes").isEqualTo(1 << 20);
  }

  static Stream<Arguments> badBlocks() {
    return Stream.of(
        Arguments.of("a typo", "{ path: /a, upstream: svc, websocket: { idle-timout: 5s } }",
            "routes[0].websocket.idle-timout", "unknown key"),
        Arguments.of("not a mapping", "{ path: /a, upstream: svc, websocket: true }",
            "routes[0].websocket", "must be a mapping"),
        Arguments.of("a zero idle timeout", "{ path: /a, upstream: svc, websocket: { idle-timeout: 0s } }",
            "routes[0].websocket.idle-timeout", "must be more than 0"),
        Arguments.of("a frame size under a control frame's",
            "{ path: /a, upstream: svc, websocket: { max-frame-size: 100 } }",
            "routes[0].websocket.max-frame-size", "must be between 125 bytes and 16777216 bytes"),
        Arguments.of("a frame size over 16 MB", "{ path: /a, upstream: svc, websocket: { max-frame-size: 32MB } }",
            "routes[0].websocket.max-frame-size", "must be between"),
        Arguments.of("a message smaller than a frame",
            "{ path: /a, upstream: svc, websocket: { max-frame-size: 64KB, max-message-size: 1KB } }",
            "routes[0].websocket.max-message-size", "must be at least max-frame-size (65536 bytes)"),
        Arguments.of("a size that is not one", "{ path: /a, upstream: svc, websocket: { max-message-size: lots } }",
            "routes[0].websocket.max-message-size", "must be a size"),
        Arguments.of("methods without GET", "{ path: /a, upstream: svc, methods: [POST], websocket: {} }",
            "routes[0].websocket", "needs GET among the route's methods"),
        Arguments.of("a body check", "{ path: /a, upstream: svc, body-check: { json: true }, websocket: {} }",
            "routes[0].websocket", "cannot be combined with body-check"),
        Arguments.of("a gRPC route", "{ path: /a, upstream: svc, grpc: { method: a.B/C }, websocket: {} }",
            "routes[0].websocket", "does not apply to a grpc route"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBlocks")
  void eachMistakeIsReportedWithItsKeyPath(String what, String route, String path, String message) {
    ConfigException e = catchThrowableOfType(() -> parse("  - " + route + "\n"), ConfigException.class);
    assertThat(e).as(what).isNotNull();
    List<ConfigProblem> mine = e.problems().stream().filter(p -> p.path().startsWith("routes[0].websocket")).toList();
    assertThat(mine).as(what + ": " + e.problems()).hasSize(1);
    assertThat(mine.get(0).path()).isEqualTo(path);
    assertThat(mine.get(0).message()).contains(message);
  }
}
