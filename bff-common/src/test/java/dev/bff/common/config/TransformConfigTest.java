package dev.bff.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bff.common.config.TransformConfig.Edit;
import dev.bff.common.config.TransformConfig.Kind;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A route's {@code transform} block and header {@code rename}: what is read, and each mistake with its key path. */
class TransformConfigTest {
  private static final String UPSTREAMS = """
      upstreams:
        catalog: { instances: ["http://127.0.0.1:7101"] }
      routes:
      """;

  private static BffConfig parse(String yaml) {
    return new ConfigLoader(new EnvSubstitution(Map.<String, String>of()::get), 8080, 9080).parse(yaml, "t.yaml");
  }

  @Test
  void editsAreReadInOrderWithTheirPathsAndLiterals() {
    RouteConfig r = parse(UPSTREAMS + """
          - path: /v1/products/:id
            upstream: catalog
            transform:
              request:
                - rename: { items: lines, note: comment }
                - copy: { id: legacyId }
                - add: { apiVersion: 2, meta: { source: v1 }, flags: [a, b], nothing: null }
              response:
                - move: { unitPrice.amount: price, unitPrice.currency: currency }
                - remove: [unitPrice, internalCode]
                - add: { version: "v1" }
        """).routes().get(0);
    TransformConfig t = r.transform();
    assertThat(t.request()).extracting(Edit::kind).containsExactly(Kind.RENAME, Kind.RENAME, Kind.COPY, Kind.ADD,
        Kind.ADD, Kind.ADD, Kind.ADD);
    assertThat(t.request().get(0)).isEqualTo(new Edit(Kind.RENAME, "items", "lines", null));
    assertThat(t.request().get(4).value()).isEqualTo(new JsonObject().put("source", "v1"));
    assertThat(t.request().get(6)).isEqualTo(new Edit(Kind.ADD, "nothing", null, null));
    assertThat(t.response()).containsExactly(
        new Edit(Kind.MOVE, "unitPrice.amount", "price", null),
        new Edit(Kind.MOVE, "unitPrice.currency", "currency", null),
        new Edit(Kind.REMOVE, "unitPrice", null, null),
        new Edit(Kind.REMOVE, "internalCode", null, null),
        new Edit(Kind.ADD, "version", null, "v1"));
    assertThat(t.toString()).contains("move unitPrice.amount->price", "add version=\"v1\"");
  }

  @Test
  void aRouteWithoutTransformHasNone() {
    assertThat(parse(UPSTREAMS + "  - { path: /a, upstream: catalog }\n").routes().get(0).transform()).isNull();
  }

  @Test
  void headerRenamesKeepTheirOrderAndCase() {
    RouteConfig r = parse(UPSTREAMS + """
          - path: /a
            upstream: catalog
            request-headers: { rename: { X-Api-Version: Accept-Version, X-Old: X-New }, remove: [x-new] }
        """).routes().get(0);
    assertThat(r.requestHeaders().rename()).containsExactly(Map.entry("X-Api-Version", "Accept-Version"),
        Map.entry("X-Old", "X-New"));
    assertThat(r.requestHeaders().toString()).startsWith("rename={X-Api-Version=Accept-Version, X-Old=X-New} remove=");
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        bad("an unknown edit", "transform: { response: [ { rname: { a: b } } ] }",
            "routes[0].transform.response[0].rname", "unknown key (expected one of add, copy, move, remove, rename)"),
        bad("an unknown transform key", "transform: { answer: [] }",
            "routes[0].transform.answer", "unknown key (expected one of request, response)"),
        bad("two edits in one item", "transform: { request: [ { rename: { a: b }, remove: [c] } ] }",
            "routes[0].transform.request[0]", "holds remove and rename: one edit per list item"),
        bad("edits not in a list", "transform: { request: { rename: { a: b } } }",
            "routes[0].transform.request", "must be a list of edits"),
        bad("an empty transform", "transform: {}",
            "routes[0].transform", "needs request or response edits"),
        bad("an empty segment", "transform: { response: [ { remove: [unitPrice..amount] } ] }",
            "routes[0].transform.response[0].remove[0]", "'unitPrice..amount' has an empty segment"),
        bad("a trailing dot", "transform: { response: [ { move: { \"price.\": cost } } ] }",
            "routes[0].transform.response[0].move.price.", "has an empty segment"),
        bad("a JSON pointer", "transform: { response: [ { remove: [/unitPrice/amount] } ] }",
            "routes[0].transform.response[0].remove[0]", "is not a dotted field path"),
        bad("an array marker", "transform: { response: [ { remove: [\"items[].code\"] } ] }",
            "routes[0].transform.response[0].remove[0]", "arrays need no marker"),
        bad("a wildcard segment", "transform: { response: [ { move: { items.*.price: items.*.cost } } ] }",
            "routes[0].transform.response[0].move.items.*.price", "arrays need no marker"),
        bad("a rename to a path", "transform: { request: [ { rename: { price: unitPrice.amount } } ] }",
            "routes[0].transform.request[0].rename.price", "use move to put it elsewhere"),
        bad("a rename onto itself", "transform: { request: [ { rename: { a.price: price } } ] }",
            "routes[0].transform.request[0].rename.a.price", "renames the field onto itself"),
        bad("a move onto itself", "transform: { request: [ { move: { a.b: a.b } } ] }",
            "routes[0].transform.request[0].move.a.b", "moves the field onto itself"),
        bad("a move without a target", "transform: { request: [ { move: { a: ~ } } ] }",
            "routes[0].transform.request[0].move.a", "must name the path it goes to"),
        bad("a move to a bad path", "transform: { request: [ { move: { a: \"b..c\" } } ] }",
            "routes[0].transform.request[0].move.a", "has an empty segment"),
        bad("remove with nothing", "transform: { request: [ { remove: [] } ] }",
            "routes[0].transform.request[0].remove", "must list at least one path"),
        bad("add with a list", "transform: { request: [ { add: [a] } ] }",
            "routes[0].transform.request[0].add", "must be a mapping of path: value"),
        bad("move with nothing", "transform: { request: [ { move: {} } ] }",
            "routes[0].transform.request[0].move", "must name at least one field"),
        bad("an edit that is not a mapping", "transform: { request: [ rename ] }",
            "routes[0].transform.request[0]", "must be one edit"),
        bad("transform on a redirect", "transform: { request: [ { remove: [a] } ] }, redirect: { to: /b }, upstream: ~",
            "routes[0].transform", "applies to proxied routes only: a redirect route"),
        bad("a header rename to a bad name", "request-headers: { rename: { X-A: \"bad name\" } }",
            "routes[0].request-headers.rename.X-A", "'bad name' is not a valid header name"),
        bad("a header rename of a bad name", "response-headers: { rename: { \"x y\": X-B } }",
            "routes[0].response-headers.rename.x y", "is not a valid header name"),
        bad("a header renamed to itself", "request-headers: { rename: { X-A: x-a } }",
            "routes[0].request-headers.rename.X-A", "renames the header to itself"),
        bad("a chain of header renames", "request-headers: { rename: { X-A: X-B, X-B: X-C } }",
            "routes[0].request-headers.rename.X-A", "which is renamed too"),
        bad("two headers renamed to one", "request-headers: { rename: { X-A: X-C, X-B: x-c } }",
            "routes[0].request-headers.rename.X-B", "like another rename before it"),
        bad("renaming a framing header", "response-headers: { rename: { Content-Length: X-Length } }",
            "routes[0].response-headers.rename.Content-Length", "cannot be renamed"),
        bad("a header rename typo", "request-headers: { renames: { X-A: X-B } }",
            "routes[0].request-headers.renames", "unknown key (expected one of add, remove, rename, set)"));
  }

  private static Arguments bad(String what, String keys, String path, String message) {
    String yaml = UPSTREAMS + "  - { path: /a, upstream: catalog, " + keys + " }\n";
    if (keys.contains("upstream: ~")) {
      yaml = UPSTREAMS + "  - { path: /a, " + keys.replace(", upstream: ~", "") + " }\n";
    }
    return Arguments.of(what, yaml, path, message);
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
}
