package dev.bff.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bff.common.server.Bff;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code static} and {@code redirect} blocks of routes: defaults, and each mistake with its key path. */
@ExtendWith(VertxExtension.class)
class StaticAndRedirectConfigTest {
  private static final String UPSTREAMS = """
      upstreams:
        catalog: { instances: ["http://127.0.0.1:7101"] }
      routes:
      """;
  private static final String DIR = System.getProperty("java.io.tmpdir");

  private static BffConfig parse(String yaml) {
    return new ConfigLoader(new EnvSubstitution(Map.of("DIR", DIR)::get), 8080, 9080).parse(yaml, "routes.yaml");
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        bad("neither upstream, static nor redirect", "  - { path: /a }",
            "routes[0].upstream", "is required (or static, to serve files, or redirect)"),
        bad("static and upstream", "  - { path: \"/s/**\", upstream: catalog, static: { dir: \"${DIR}\" } }",
            "routes[0].upstream", "cannot be combined with static: the route serves files itself"),
        bad("static and redirect", "  - { path: \"/s/**\", static: { dir: \"${DIR}\" }, redirect: { to: /x } }",
            "routes[0].redirect", "cannot be combined with static"),
        bad("static with a cache", "  - { path: \"/s/**\", static: { dir: \"${DIR}\" }, cache: { ttl: 1m } }",
            "routes[0].cache", "a static route sends Cache-Control (static.max-age)"),
        bad("static with a rewrite", "  - { path: \"/s/**\", static: { dir: \"${DIR}\" }, rewrite: \"/{**}\" }",
            "routes[0].rewrite", "applies to proxied routes only: a static route serves files itself"),
        bad("static with a body check", "  - { path: \"/s/**\", static: { dir: \"${DIR}\" }, body-check: {} }",
            "routes[0].body-check", "applies to proxied routes only"),
        bad("static answering POST", "  - { path: \"/s/**\", static: { dir: \"${DIR}\" }, methods: [GET, POST] }",
            "routes[0].methods", "a static route answers GET and HEAD only"),
        bad("static path with a parameter", "  - { path: \"/s/:v/**\", static: { dir: \"${DIR}\" } }",
            "routes[0].path", "a static route's path takes no :parameters"),
        bad("static without dir", "  - { path: \"/s/**\", static: { index: a.html } }",
            "routes[0].static.dir", "is required"),
        bad("static dir missing", "  - { path: \"/s/**\", static: { dir: /no/such/dir/anywhere } }",
            "routes[0].static.dir", "no such directory: '/no/such/dir/anywhere'"),
        bad("static classpath dir missing", "  - { path: \"/s/**\", static: { dir: \"classpath:no-such-dir\" } }",
            "routes[0].static.dir", "no classpath directory 'no-such-dir'"),
        bad("static classpath dir walking up", "  - { path: \"/s/**\", static: { dir: \"classpath:../x\" } }",
            "routes[0].static.dir", "must name a classpath directory"),
        bad("static index with a slash", "  - { path: \"/s/**\", static: { dir: \"${DIR}\", index: a/b.html } }",
            "routes[0].static.index", "must be a plain file name"),
        bad("static etag unknown", "  - { path: \"/s/**\", static: { dir: \"${DIR}\", etag: sometimes } }",
            "routes[0].static.etag", "must be strong, weak or off"),
        bad("static max-age over a year", "  - { path: \"/s/**\", static: { dir: \"${DIR}\", max-age: 400d } }",
            "routes[0].static.max-age", "must be at most 365d"),
        bad("static typo", "  - { path: \"/s/**\", static: { dir: \"${DIR}\", maxage: 1m } }",
            "routes[0].static.maxage", "unknown key"),
        bad("redirect and upstream", "  - { path: /a, upstream: catalog, redirect: { to: /b } }",
            "routes[0].upstream", "cannot be combined with redirect: the route answers with a redirect itself"),
        bad("redirect with a cache", "  - { path: /a, redirect: { to: /b }, cache: {} }",
            "routes[0].cache", "applies to proxied routes only: a redirect route answers with a redirect itself"),
        bad("redirect with a timeout", "  - { path: /a, redirect: { to: /b }, timeout: 1s }",
            "routes[0].timeout", "applies to proxied routes only"),
        bad("redirect without to", "  - { path: /a, redirect: { status: 301 } }",
            "routes[0].redirect.to", "is required"),
        bad("redirect status not a redirect", "  - { path: /a, redirect: { to: /b, status: 304 } }",
            "routes[0].redirect.status", "must be one of 301, 302, 303, 307, 308, was 304"),
        bad("redirect to a relative path", "  - { path: /a, redirect: { to: b/c } }",
            "routes[0].redirect.to", "must be a path starting with '/' or an http:// or https:// URL"),
        bad("redirect to a protocol-relative host", "  - { path: /a, redirect: { to: \"//other.example/x\" } }",
            "routes[0].redirect.to", "must be a path starting with a single '/'"),
        bad("redirect with a placeholder in the host",
            "  - { path: \"/a/:t\", redirect: { to: \"https://{t}.example/\" } }",
            "routes[0].redirect.to", "never in the host"),
        bad("redirect with user information", "  - { path: /a, redirect: { to: \"https://me@new.example/\" } }",
            "routes[0].redirect.to", "must not carry user information"),
        bad("redirect without a host", "  - { path: /a, redirect: { to: \"https:///x\" } }",
            "routes[0].redirect.to", "needs a host after 'https://'"),
        bad("redirect with an unknown parameter", "  - { path: \"/a/:id\", redirect: { to: \"/b/{sku}\" } }",
            "routes[0].redirect.to", "uses {sku} but the route path has no parameter :sku"),
        bad("redirect with {**} on a path without /**", "  - { path: \"/a/:id\", redirect: { to: \"/b/{**}\" } }",
            "routes[0].redirect.to", "does not end with /**"),
        bad("redirect with a claim", "  - { path: /a, auth: public, redirect: { to: \"/u/{claim.sub}\" } }",
            "routes[0].redirect.to", "takes the route's parameters and {**} only"),
        bad("redirect with a space", "  - { path: /a, redirect: { to: \"/b c\" } }",
            "routes[0].redirect.to", "must not contain spaces, control or non-ASCII characters"),
        bad("redirect with a non-ASCII character", "  - { path: /a, redirect: { to: \"/caf\u00e9\" } }",
            "routes[0].redirect.to", "percent-encode them"),
        bad("redirect typo", "  - { path: /a, redirect: { to: /b, keep_query: false } }",
            "routes[0].redirect.keep_query", "unknown key"));
  }

  private static Arguments bad(String what, String route, String path, String message) {
    return Arguments.of(what, UPSTREAMS + route + "\n", path, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void eachMistakeIsReportedWithItsKeyPath(String what, String yaml, String path, String message) {
    ConfigException e = catchThrowableOfType(() -> parse(yaml), ConfigException.class);
    assertThat(e).as(what).isNotNull();
    assertThat(e.problems()).as(what).hasSize(1);
    assertThat(e.problems().get(0).path()).as(what).isEqualTo(path);
    assertThat(e.problems().get(0).message()).as(what).contains(message);
  }

  @Test
  void defaultsAreSensible() {
    BffConfig c = parse(UPSTREAMS + """
          - { id: site, path: "/s/**", static: { dir: "${DIR}" } }
          - { id: cp, path: "/cp/**",
              static: { dir: "classpath:static-test", index: home.html, max-age: 1h, etag: weak } }
          - { id: go, path: "/go/**", redirect: { to: "https://new.example/{**}" } }
          - { id: api, path: "/api/**", upstream: catalog }
        """);
    RouteConfig site = c.routes().get(0);
    assertThat(site.upstream()).isNull();
    assertThat(site.proxied()).isFalse();
    assertThat(site.methods()).isEqualTo(Set.of("GET", "HEAD"));
    assertThat(site.staticContent()).isEqualTo(new StaticConfig(DIR, "index.html", Duration.ZERO,
        StaticConfig.ETagKind.STRONG));
    StaticConfig cp = c.routes().get(1).staticContent();
    assertThat(cp.classpath()).isTrue();
    assertThat(cp.resourceName()).isEqualTo("static-test");
    assertThat(cp.index()).isEqualTo("home.html");
    assertThat(cp.maxAge()).isEqualTo(Duration.ofHours(1));
    assertThat(cp.etag()).isEqualTo(StaticConfig.ETagKind.WEAK);
    RouteConfig go = c.routes().get(2);
    assertThat(go.redirect()).isEqualTo(new RedirectConfig("https://new.example/{**}", 302, true));
    assertThat(go.methods()).as("a redirect answers any method").isEmpty();
    assertThat(c.routes().get(3).proxied()).isTrue();
  }

  @Test
  void aDirectoryThatCannotBeServedFailsStartUp(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("file.txt"), "x");
    ConfigException notDir = catchThrowableOfType(() -> parse(UPSTREAMS
        + "  - { path: \"/s/**\", static: { dir: \"" + file + "\" } }\n"), ConfigException.class);
    assertThat(notDir.problems()).extracting(ConfigProblem::path).containsExactly("routes[0].static.dir");
    assertThat(notDir.problems().get(0).message()).startsWith("is not a directory");

    Path gone = Files.createDirectory(tmp.resolve("gone"));
    BffConfig c = BffUnderTest.parse("routes:\n  - { path: \"/s/**\", static: { dir: \"" + gone + "\" } }\n", Map.of());
    Files.delete(gone); // removed between reading the file and starting
    ConfigException e = catchThrowableOfType(() -> Bff.start(vertx, BffUnderTest.TestModule.INSTANCE, c).await(),
        ConfigException.class);
    assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("routes[0].static.dir");
    assertThat(e.problems().get(0).message()).contains("cannot be opened");
  }

  @Test
  void theAdminApiShowsThemUnderTheirYamlKeys(Vertx vertx) {
    try (BffUnderTest bff = BffUnderTest.start(vertx, """
            routes:
              - { id: s, path: "/s/**", static: { dir: "${DIR}", max-age: 10m } }
              - { id: r, path: "/r/:p", redirect: { to: "/x/{p}", status: 308 } }
            """, Map.of("DIR", DIR));
        TestClient admin = TestClient.of(vertx, bff.adminPort())) {
      JsonArray routes = admin.get("/admin/routes").json().getJsonArray("routes");
      JsonObject s = routes.getJsonObject(0);
      assertThat(s.getValue("upstream")).isNull();
      assertThat(s.getJsonArray("methods")).containsExactly("GET", "HEAD");
      assertThat(s.getJsonObject("static").getString("dir")).isEqualTo(DIR);
      assertThat(s.getJsonObject("static").getString("max-age")).isEqualTo("10m");
      assertThat(s.getJsonObject("static").getString("etag")).isEqualTo("strong");
      JsonObject r = routes.getJsonObject(1);
      assertThat(r.getJsonObject("redirect").getString("to")).isEqualTo("/x/{p}");
      assertThat(r.getJsonObject("redirect").getInteger("status")).isEqualTo(308);
      assertThat(r.getJsonObject("redirect").getBoolean("keep-query")).isTrue();
      JsonObject config = admin.get("/admin/config").json().getJsonObject("config").getJsonArray("routes")
          .getJsonObject(0);
      assertThat(config.getJsonObject("static").getString("index")).isEqualTo("index.html");
      assertThat(config.containsKey("static-content")).isFalse();
    }
  }
}
