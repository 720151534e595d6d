package dev.bff.common.shape;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Client input placed into upstream paths and queries. */
class PathsTest {
  @Test
  void aSegmentNeverAddsSegmentsAQueryOrADotSegment() {
    assertThat(Paths.segment("a/b")).isEqualTo("a%2Fb");
    assertThat(Paths.segment("a b?c=d#e")).isEqualTo("a%20b%3Fc%3Dd%23e");
    assertThat(Paths.segment("..")).isEqualTo("%2E%2E");
    assertThat(Paths.segment(".")).isEqualTo("%2E");
    assertThat(Paths.segment("v1.2")).isEqualTo("v1.2");
    assertThat(Paths.segment("ü")).isEqualTo("%C3%BC");
  }

  @Test
  void aQueryValueNeverAddsParameters() {
    assertThat(Paths.query("a&b=c")).isEqualTo("a%26b%3Dc");
    assertThat(Paths.query("a b")).isEqualTo("a+b");
  }
}
