package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathCheckTest {

  @ParameterizedTest
  @ValueSource(strings = {"/", "/a", "/a/b/", "/a/...", "/a/.b", "/a/b.", "/a/..b", "/a/b..", "/a/%2e%2e%2e",
      "/a/b%20c", "/a/%41", "/a/~user", "/a/b;v=1", "/products/7.json", "/a/%25", "/%E2%82%AC"})
  void acceptsOrdinaryPaths(String path) {
    assertThat(PathCheck.problem(path)).isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/a/../b        | '.' or '..' segment",
      "/a/./b         | '.' or '..' segment",
      "/..            | '.' or '..' segment",
      "/.             | '.' or '..' segment",
      "/a/..          | '.' or '..' segment",
      "/a/.           | '.' or '..' segment",
      "/a/%2e%2e/b    | '.' or '..' segment",
      "/a/%2E%2E/b    | '.' or '..' segment",
      "/a/.%2e/b      | '.' or '..' segment",
      "/a/%2e./b      | '.' or '..' segment",
      "/a/%2e/b       | '.' or '..' segment",
      "/a/..;/b       | '.' or '..' segment",
      "/a/.;x/b       | '.' or '..' segment",
      "/a%2fb         | encoded slash",
      "/a%2Fb         | encoded slash",
      "/a%5cb         | encoded slash, backslash",
      "/a%5Cb         | encoded slash, backslash",
      "/a%00b         | control character",
      "/a%7fb         | control character",
      "/a\\b          | backslash",
      "/a%zz          | invalid percent-encoding",
      "/a%2           | invalid percent-encoding",
      "/a%            | invalid percent-encoding",
      "/a%g0/b        | invalid percent-encoding",
      "a/b            | must start with '/'",
      "*              | must start with '/'",
  })
  void rejectsPathsThatCouldEscapeARoute(String path, String fragment) {
    assertThat(PathCheck.problem(path)).contains(fragment);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a\u0001b", "/a\tb", "/a\u007fb", "/a\nb"})
  void rejectsRawControlCharacters(String path) {
    assertThat(PathCheck.problem(path)).contains("control character");
  }

  @org.junit.jupiter.api.Test
  void rejectsAnEmptyOrMissingPath() {
    assertThat(PathCheck.problem("")).contains("must start with '/'");
    assertThat(PathCheck.problem(null)).contains("must start with '/'");
  }
}
