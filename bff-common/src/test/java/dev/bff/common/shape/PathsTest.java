package dev.bff.common.shape;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Client input placed into upstream paths and queries, and read from raw paths and queries. */
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

  @Test
  void aRawSegmentDecodesAsUtf8OrNotAtAll() {
    assertThat(Paths.decode("plain+name.txt")).isEqualTo("plain+name.txt");
    assertThat(Paths.decode("a%20b%2Fc")).isEqualTo("a b/c");
    assertThat(Paths.decode("caf%C3%A9")).isEqualTo("café");
    assertThat(Paths.decode("caf\u00c3\u00a9")).as("raw bytes of the request line").isEqualTo("café");
    assertThat(Paths.decode("%zz")).isNull();
    assertThat(Paths.decode("100%")).isNull();
    assertThat(Paths.decode("%C3")).as("not UTF-8").isNull();
    assertThat(Paths.decode("%c0%ae")).as("overlong").isNull();
  }

  @Test
  void aRawQueryIsKeptButForWhatAUrlCannotHold() {
    assertThat(Paths.cleanQuery("a=1&b=%20x&c=d/e?f:g@h")).isEqualTo("a=1&b=%20x&c=d/e?f:g@h");
    assertThat(Paths.cleanQuery("a=\r\nSet-Cookie: x")).isEqualTo("a=%0D%0ASet-Cookie:%20x");
    assertThat(Paths.cleanQuery("q=100%&r=%zz")).isEqualTo("q=100%25&r=%25zz");
    assertThat(Paths.cleanQuery("q=\"<x>\"")).isEqualTo("q=%22%3Cx%3E%22");
    assertThat(Paths.cleanQuery("q=\u00e9")).as("a raw byte of the request line").isEqualTo("q=%E9");
    assertThat(Paths.cleanQuery("q=\u20ac")).isEqualTo("q=%E2%82%AC");
  }
}
