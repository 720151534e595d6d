package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathCheckTest {

  @ParameterizedTest
  @ValueSource(strings = {"/", "/a", "/a/b/", "/a/...", "/a/.b", "/a/b.", "/a/..b", "/a/b..", "/a/%2e%2e%2e",
      "/a/b%20c", "/a/%41", "/a/~user", "/a/b;v=1", "/products/7.json", "/a/%25", "/%E2%82%AC",
      "/a/100%25", "/a/%252eb", "/a/%25zz", "/a/%25%25", "/%E0%A4%85", "/%F0%9F%98%80", "/a/%C3%A9"})
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
      "/a/%252e%252e/b        | double-encoded '.' or '..' segment",
      "/a/%252E./b            | double-encoded '.' or '..' segment",
      "/a/%252e               | double-encoded '.' or '..' segment",
      "/a/%252e%252e;x/b      | double-encoded '.' or '..' segment",
      "/a/%25252e%25252e/b    | double-encoded '.' or '..' segment",
      "/a/%25%32%65%25%32%65/ | double-encoded '.' or '..' segment",
      "/a%252fb               | double-encoded slash",
      "/a%255Cb               | double-encoded slash, backslash",
      "/a%2500b               | double-encoded slash, backslash or control character",
      "/a%250ab               | double-encoded slash, backslash or control character",
      "/a/%252525252e         | percent-encoded too many times",
      "/a/%c0%ae%c0%ae/b      | overlong UTF-8",
      "/a/%C1%9C              | overlong UTF-8",
      "/a/%e0%80%ae           | overlong UTF-8",
      "/a/%f0%80%80%af        | overlong UTF-8",
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

  @ParameterizedTest
  @ValueSource(strings = {"", "a=1", "q=100%25+cotton", "next=%2F..%2Fadmin", "e=%C3%A9&x", "a=%7e", "tab=x\u0080"})
  void acceptsOrdinaryQueries(String query) {
    assertThat(PathCheck.queryProblem(query)).isNull();
    assertThat(PathCheck.queryProblem(null)).isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "a=%00           | encoded control character",
      "a=%0d%0aX:1     | encoded control character",
      "a=%09           | encoded control character",
      "a=%7F           | encoded control character",
      "a=%zz           | invalid percent-encoding",
      "a=%             | invalid percent-encoding",
      "a=%2            | invalid percent-encoding",
      "a=%u002e        | invalid percent-encoding",
  })
  void rejectsUnsafeQueries(String query, String fragment) {
    assertThat(PathCheck.queryProblem(query)).contains(fragment);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=\u0000", "a=\u0001", "a=\tb", "a=\rb", "a=\nb", "a=\u007f"})
  void rejectsRawControlCharactersInTheQuery(String query) {
    assertThat(PathCheck.queryProblem(query)).contains("control character");
  }

  @org.junit.jupiter.api.Test
  void rejectsAnEmptyOrMissingPath() {
    assertThat(PathCheck.problem("")).contains("must start with '/'");
    assertThat(PathCheck.problem(null)).contains("must start with '/'");
  }
}
