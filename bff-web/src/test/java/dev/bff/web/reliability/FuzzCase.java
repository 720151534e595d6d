package dev.bff.web.reliability;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * One malformed exchange for the fuzzer: the bytes written on a fresh connection, how many answers
 * they ask for, and what the gateway must answer to the last one.
 *
 * @param category what kind of mistake (request line, headers, framing, path, body, token, mutation)
 * @param name     the variant, for the report
 * @param bytes    written as they are
 * @param answers  answers to read (2 when a valid request goes first on the connection)
 * @param expect   what the last answer must be
 */
record FuzzCase(String category, String name, byte[] bytes, int answers, Expect expect) {
  /** The marker in paths that must never reach an upstream (requests the gateway must refuse). */
  static final String REFUSED = "REFUSED";
  /** The marker of requests hidden in another request's body (smuggling attempts). */
  static final String SMUGGLED = "SMUGGLED";

  /** What an answer must be: its description and a test of the status (-1: closed without an answer). */
  record Expect(String description, IntPredicate test) {
    /** One of these statuses; the connection may also be closed without an answer. */
    static Expect oneOf(Integer... statuses) {
      Set<Integer> s = Set.of(statuses);
      return new Expect("one of " + List.of(statuses), status -> status < 0 || s.contains(status));
    }

    /** Any 4xx; or a close without an answer. */
    static Expect clientError() {
      return new Expect("a 4xx", status -> status < 0 || status >= 400 && status < 500);
    }

    /**
     * Anything but a 5xx (a request that may be valid after all), or one of {@code allowed} (505 for
     * an HTTP version the gateway does not speak); or a close without an answer.
     */
    static Expect below500(Integer... allowed) {
      Set<Integer> s = Set.of(allowed);
      return new Expect(allowed.length == 0 ? "no 5xx" : "no 5xx but " + List.of(allowed),
          status -> status < 500 || s.contains(status));
    }

    boolean met(int status) {
      return test.test(status);
    }
  }

  static FuzzCase of(String category, String name, String text, Expect expect) {
    return new FuzzCase(category, name, text.getBytes(StandardCharsets.ISO_8859_1), 1, expect);
  }

  /** A valid GET first, then {@code text} on the same connection: the checks hold after a first request too. */
  static FuzzCase second(String category, String name, String text, Expect expect) {
    String first = "GET /api/echo/first HTTP/1.1\r\nHost: shop\r\n\r\n";
    return new FuzzCase(category, name + " (second on its connection)",
        (first + text).getBytes(StandardCharsets.ISO_8859_1), 2, expect);
  }

  /** The bytes, printable (control characters escaped), shortened for a report. */
  String shown() {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      int c = b & 0xff;
      if (sb.length() > 160) {
        return sb.append("...").toString();
      }
      if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format("\\x%02x", c));
      } else {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }
}
