package dev.bff.common.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathPatternTest {

  @Test
  void exactPathMatchesOnlyItself() {
    PathPattern p = PathPattern.compile("/a/b");
    assertThat(p.kind()).isEqualTo(PathPattern.Kind.EXACT);
    assertThat(p.match("/a/b")).isNotNull();
    assertThat(p.match("/a/b").rest()).isNull();
    assertThat(p.match("/a/b/")).isNull();
    assertThat(p.match("/a")).isNull();
    assertThat(p.match("/a/bc")).isNull();
    assertThat(p.match("/a/b/c")).isNull();
    assertThat(p.match("/A/b")).isNull();
    assertThat(p.match("")).isNull();
  }

  @Test
  void rootMatchesOnlyTheRoot() {
    PathPattern p = PathPattern.compile("/");
    assertThat(p.match("/")).isNotNull();
    assertThat(p.match("/x")).isNull();
    assertThat(p.match("//")).isNull();
  }

  @Test
  void parametersCaptureOneNonEmptyRawSegmentEach() {
    PathPattern p = PathPattern.compile("/users/:user/orders/:order");
    assertThat(p.kind()).isEqualTo(PathPattern.Kind.PARAM);
    assertThat(p.paramNames()).containsExactly("user", "order");
    PathMatch m = p.match("/users/u%20x/orders/42");
    assertThat(m).isNotNull();
    assertThat(m.param("user")).isEqualTo("u%20x");
    assertThat(m.param("order")).isEqualTo("42");
    assertThat(m.param("nope")).isNull();
    assertThat(m.rest()).isNull();
    assertThat(p.match("/users//orders/42")).isNull();
    assertThat(p.match("/users/u/orders/")).isNull();
    assertThat(p.match("/users/u/orders/42/x")).isNull();
    assertThat(p.match("/users/u/order/42")).isNull();
  }

  @Test
  void prefixMatchesItselfItsSlashAndDeeperPathsButNotLongerNames() {
    PathPattern p = PathPattern.compile("/api/**");
    assertThat(p.kind()).isEqualTo(PathPattern.Kind.PREFIX);
    assertThat(p.match("/api").rest()).isEqualTo("");
    assertThat(p.match("/api/").rest()).isEqualTo("/");
    assertThat(p.match("/api/x").rest()).isEqualTo("/x");
    assertThat(p.match("/api/x/y?z").rest()).isEqualTo("/x/y?z");
    assertThat(p.match("/apiX")).isNull();
    assertThat(p.match("/apiX/y")).isNull();
    assertThat(p.match("/ap")).isNull();
    assertThat(p.match("/")).isNull();
  }

  @Test
  void rootPrefixMatchesEverything() {
    PathPattern p = PathPattern.compile("/**");
    assertThat(p.match("/").rest()).isEqualTo("/");
    assertThat(p.match("/a/b").rest()).isEqualTo("/a/b");
    assertThat(p.segmentCount()).isZero();
  }

  @Test
  void prefixWithParametersCapturesBoth() {
    PathPattern p = PathPattern.compile("/t/:tenant/files/**");
    PathMatch m = p.match("/t/acme/files/a/b.txt");
    assertThat(m.param("tenant")).isEqualTo("acme");
    assertThat(m.rest()).isEqualTo("/a/b.txt");
    PathMatch whole = p.match("/t/acme/files");
    assertThat(whole.param("tenant")).isEqualTo("acme");
    assertThat(whole.rest()).isEqualTo("");
    assertThat(p.match("/t/acme/filesX")).isNull();
  }

  @Test
  void specificityCountsSegmentsAndLiterals() {
    assertThat(PathPattern.compile("/a/:b/c").segmentCount()).isEqualTo(3);
    assertThat(PathPattern.compile("/a/:b/c").literalCount()).isEqualTo(2);
    assertThat(PathPattern.compile("/a/b/**").segmentCount()).isEqualTo(2);
    assertThat(PathPattern.compile("/a/b/**").literalCount()).isEqualTo(2);
    assertThat(PathPattern.compile("/:a/:b").literalCount()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "/a/**/b", "/a/:", "/a/:1x", "/a/x*", "/a//b", "/a/:id/:id", "/a/b:c"})
  void invalidPatternsAreRejected(String pattern) {
    assertThatThrownBy(() -> PathPattern.compile(pattern)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(pattern);
  }
}
