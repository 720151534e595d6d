package dev.bff.web.reliability;

import static dev.bff.web.reliability.FuzzCase.Expect.below500;
import static dev.bff.web.reliability.FuzzCase.Expect.clientError;
import static dev.bff.web.reliability.FuzzCase.Expect.oneOf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * The fuzzer's corpus: hand-written malformed requests in six categories (request line, headers,
 * framing and smuggling, path and query, JSON bodies, tokens), then seeded random mutations of valid
 * requests up to the number asked. Requests the gateway must refuse name {@link FuzzCase#REFUSED}
 * in their path and hide {@link FuzzCase#SMUGGLED} requests in their bodies, so that the upstream's
 * record shows whether anything got through.
 */
final class FuzzCases {
  /** Tokens to fuzz {@code /api/me} with, made by the demo identity service's real key. */
  record Tokens(String valid, String expired, String wrongAudience, String wrongIssuer, String unknownKid,
      String hsWithPublicKey) {}

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final Tokens tokens;
  private int serial;

  private FuzzCases(Tokens tokens) {
    this.tokens = tokens;
  }

  /** The hand-written cases, then random mutations until there are {@code total}. */
  static List<FuzzCase> generate(Tokens tokens, int total, long seed) {
    FuzzCases f = new FuzzCases(tokens);
    List<FuzzCase> out = new ArrayList<>();
    f.requestLines(out);
    f.headers(out);
    f.framing(out);
    f.paths(out);
    f.bodies(out);
    f.tokens(out);
    Random random = new Random(seed);
    while (out.size() < total) {
      out.add(f.mutation(random));
    }
    return out;
  }

  private String refused() {
    return "/api/echo/" + FuzzCase.REFUSED + "-" + (++serial);
  }

  private String smuggled() {
    return "GET /api/echo/" + FuzzCase.SMUGGLED + "-" + (++serial) + " HTTP/1.1\r\nHost: shop\r\n\r\n";
  }

  private void requestLines(List<FuzzCase> out) {
    // not a token (RFC 9110 5.6.2): refused before routing
    for (String method : new String[] {"GE(T", "[GET]", "GET,POST", "G\"T", "G@T"}) {
      out.add(FuzzCase.of("request line", "method " + method, method + " " + refused()
          + " HTTP/1.1\r\nHost: shop\r\n\r\n", clientError()));
    }
    // odd but readable: Netty trims control characters around the method ("GET\0" is GET)
    for (String method : new String[] {"G ET", "GET\u0000", "\u0001GET", "FOO", "get", "PRI", "TRACE", "PROPFIND",
        "M".repeat(200)}) {
      out.add(FuzzCase.of("request line", "method " + method.substring(0, Math.min(12, method.length()))
          .replaceAll("\\p{Cntrl}", "?"), method + " /api/echo/m HTTP/1.1\r\nHost: shop\r\n\r\n", below500()));
    }
    // versions the gateway does not speak are 400; HTTP/1.2 is read as HTTP/1.1 (RFC 9112 2.6)
    for (String version : new String[] {"HTTP/2.0", "HTTP/0.9", "HTTP/1", "HTTPS/1.1", "http/1.1", "HTTP/9.9"}) {
      out.add(FuzzCase.of("request line", "version " + version, "GET " + refused() + " " + version
          + "\r\nHost: shop\r\n\r\n", oneOf(400)));
    }
    for (String version : new String[] {"HTTP/1.2", "HTTP/1.1.1", "HTTP/1.1 x", "HTTP/-1.1", "HTTP/1.1\u0000"}) {
      out.add(FuzzCase.of("request line", "version " + version.replaceAll("\\p{Cntrl}", "?"), "GET /api/echo/v "
          + version + "\r\nHost: shop\r\n\r\n", below500()));
    }
    out.add(FuzzCase.of("request line", "no version", "GET /api/echo/nv\r\nHost: shop\r\n\r\n", below500()));
    out.add(FuzzCase.of("request line", "empty line then garbage", "\r\n\r\n\u0016\u0003\u0001garbage\r\n\r\n",
        clientError()));
    out.add(FuzzCase.of("request line", "TLS hello on the plain port",
        "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003" + "x".repeat(40) + "\r\n\r\n", clientError()));
    out.add(FuzzCase.of("request line", "URI over 8KB", "GET /api/echo/" + "a".repeat(9000)
        + " HTTP/1.1\r\nHost: shop\r\n\r\n", oneOf(414, 400)));
    out.add(FuzzCase.of("request line", "URI over 64KB", "GET /api/echo/" + "a".repeat(70_000)
        + " HTTP/1.1\r\nHost: shop\r\n\r\n", oneOf(414, 400)));
    for (String bad : new String[] {"\u0001", "\u007f", "\u0000", "\u001b[31m"}) {
      out.add(FuzzCase.of("request line", "raw byte in URI " + (int) bad.charAt(0), "GET " + refused() + bad
          + "y HTTP/1.1\r\nHost: shop\r\n\r\n", clientError()));
    }
    out.add(FuzzCase.of("request line", "absolute-form URI", "GET http://evil.example" + "/api/echo/abs"
        + " HTTP/1.1\r\nHost: shop\r\n\r\n", below500()));
    out.add(FuzzCase.of("request line", "asterisk-form", "GET * HTTP/1.1\r\nHost: shop\r\n\r\n", below500()));
    out.add(FuzzCase.of("request line", "no leading slash", "GET api/echo/x HTTP/1.1\r\nHost: shop\r\n\r\n",
        below500()));
    out.add(FuzzCase.of("request line", "bare LF line ends", "GET /api/echo/lf HTTP/1.1\nHost: shop\n\n",
        below500()));
  }

  private void headers(List<FuzzCase> out) {
    String line = "GET " + "%s" + " HTTP/1.1\r\nHost: shop\r\n";
    String[] bad = {"Bad Name: x", "X-Foo : x", "X-\u0001: x", "X-Nul: a\u0000b",
        "X-Cr: a\rb", "X-Esc: a\u001bb", "X-Del: a\u007fb", ": no-name", "X-Q\"x: y", "X-(x): y"};
    for (String h : bad) {
      out.add(FuzzCase.of("headers", "header '" + h.replaceAll("\\p{Cntrl}", "?") + "'",
          line.formatted(refused()) + h + "\r\n\r\n", oneOf(400)));
      out.add(FuzzCase.second("headers", "header '" + h.replaceAll("\\p{Cntrl}", "?") + "'",
          line.formatted(refused()) + h + "\r\n\r\n", oneOf(400)));
    }
    out.add(FuzzCase.of("headers", "no colon", line.formatted(refused()) + "NoColonHere\r\n\r\n", oneOf(400)));
    // an obsolete line folding: RFC 9112 5.2 lets a server replace it with a space (Netty does)
    out.add(FuzzCase.of("headers", "obs-fold of the Host line", line.formatted("/api/echo/fold")
        + " X-Folded-First: x\r\n\r\n", below500()));
    out.add(FuzzCase.of("headers", "obs-fold continuation", line.formatted("/api/echo/fold") + "X-A: 1\r\n  folded\r\n\r\n",
        below500()));
    out.add(FuzzCase.of("headers", "one 20KB header", line.formatted(refused()) + "X-Big: " + "b".repeat(20_000)
        + "\r\n\r\n", oneOf(431, 400)));
    StringBuilder many = new StringBuilder(line.formatted(refused()));
    for (int i = 0; i < 300; i++) {
      many.append("X-H").append(i).append(": ").append("v".repeat(80)).append("\r\n");
    }
    out.add(FuzzCase.of("headers", "300 headers, 26KB", many + "\r\n", oneOf(431, 400)));
    out.add(FuzzCase.of("headers", "two different Hosts", "GET /api/echo/h HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        below500()));
    out.add(FuzzCase.of("headers", "no Host", "GET /api/echo/h HTTP/1.1\r\n\r\n", below500()));
    out.add(FuzzCase.of("headers", "Host with a path", "GET /api/echo/h HTTP/1.1\r\nHost: a/b@c:99999\r\n\r\n",
        below500()));
    out.add(FuzzCase.of("headers", "Expect: 100-continue without body",
        "GET /api/echo/e HTTP/1.1\r\nHost: shop\r\nExpect: 100-continue\r\n\r\n", below500()));
    out.add(FuzzCase.of("headers", "unknown Expect", "GET /api/echo/e HTTP/1.1\r\nHost: shop\r\nExpect: tea\r\n\r\n",
        below500()));
    out.add(FuzzCase.of("headers", "Upgrade: websocket", "GET /api/echo/u HTTP/1.1\r\nHost: shop\r\n"
        + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: x\r\n\r\n",
        below500()));
    out.add(FuzzCase.of("headers", "Upgrade: h2c", "GET /api/echo/u HTTP/1.1\r\nHost: shop\r\n"
        + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n",
        below500()));
    out.add(FuzzCase.of("headers", "X-Request-Id injection", "GET /api/echo/r HTTP/1.1\r\nHost: shop\r\n"
        + "X-Request-Id: ${jndi:ldap://x}\r\n\r\n", below500()));
  }

  private void framing(List<FuzzCase> out) {
    String post = "POST %s HTTP/1.1\r\nHost: shop\r\n";
    String chunkedEnd = "0\r\n\r\n";
    String[][] ambiguous = {
        {"CL.TE", "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedEnd + "%s"},
        {"TE.CL", "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n" + chunkedEnd + "%s"},
        {"CL.TE with body", "Content-Length: 50\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n" + chunkedEnd + "%s"},
        {"TE xchunked + CL", "Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n\r\n" + chunkedEnd + "%s"},
        {"TE chunked, chunked", "Transfer-Encoding: chunked, chunked\r\n\r\n" + chunkedEnd + "%s"},
        {"TE gzip, chunked", "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunkedEnd + "%s"},
        {"TE identity", "Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nhello%s"},
        {"TE xchunked", "Transfer-Encoding: xchunked\r\n\r\n" + chunkedEnd + "%s"},
        {"two TE headers", "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n" + chunkedEnd + "%s"},
        {"TE space before colon", "Transfer-Encoding : chunked\r\n\r\n" + chunkedEnd + "%s"},
        {"TE folded", "Transfer-Encoding:\r\n chunked\r\n\r\n" + chunkedEnd + "%s"},
        {"TE vertical tab", "Transfer-Encoding:\u000bchunked\r\n\r\n" + chunkedEnd + "%s"},
        {"two equal CL", "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello%s"},
        {"two different CL", "Content-Length: 5\r\nContent-Length: 0\r\n\r\nhello%s"},
        {"CL list", "Content-Length: 5, 5\r\n\r\nhello%s"},
        {"CL +5", "Content-Length: +5\r\n\r\nhello%s"},
        {"CL 0x5", "Content-Length: 0x5\r\n\r\nhello%s"},
        {"CL 5 5", "Content-Length: 5 5\r\n\r\nhello%s"},
        {"CL empty", "Content-Length: \r\n\r\nhello%s"},
        {"CL -1", "Content-Length: -1\r\n\r\nhello%s"},
        {"CL overflow", "Content-Length: 99999999999999999999999\r\n\r\nhello%s"},
    };
    for (String[] a : ambiguous) {
      String text = post.formatted(refused()) + a[1].formatted(smuggled());
      out.add(FuzzCase.of("framing", a[0], text, oneOf(400, 413)));
      out.add(FuzzCase.second("framing", a[0], post.formatted(refused()) + a[1].formatted(smuggled()), oneOf(400)));
    }
    out.add(FuzzCase.of("framing", "TE in HTTP/1.0", "POST " + refused() + " HTTP/1.0\r\nHost: shop\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n" + chunkedEnd + smuggled(), oneOf(400)));
    out.add(FuzzCase.of("framing", "bad chunk size", post.formatted(refused())
        + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n" + chunkedEnd + smuggled(), clientError()));
    out.add(FuzzCase.of("framing", "chunk size overflow", post.formatted(refused())
        + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n" + chunkedEnd + smuggled(), clientError()));
    out.add(FuzzCase.of("framing", "CL above max-body-size", post.formatted(refused())
        + "Content-Length: 20000000\r\n\r\nhello", oneOf(413)));
    out.add(FuzzCase.of("framing", "GET with a body, then a request", "GET /api/echo/gb HTTP/1.1\r\nHost: shop\r\n"
        + "Content-Length: 5\r\n\r\nhello", below500()));
    out.add(FuzzCase.of("framing", "Case-mixed chunked (valid)", post.formatted("/api/echo/cm")
        + "Transfer-Encoding: cHuNkEd\r\n\r\n5\r\nhello\r\n" + chunkedEnd, below500()));
  }

  private void paths(List<FuzzCase> out) {
    String[] bad = {"/api/echo/../users/u1", "/api/echo/%2e%2e/%2e%2e/users/u1", "/api/echo/%2E./x",
        "/api/echo/%252e%252e/x", "/api/echo/%25%32%65%25%32%65/x", "/api/echo/..;/x", "/api/echo/.%2e/x",
        "/api/echo/a\\..\\x", "/api/echo/a%5c..%5cx", "/api/echo/a%2fb", "/api/echo/a%252fb", "/api/echo/%c0%ae%c0%ae/x",
        "/api/echo/%e0%80%af", "/api/echo/%zz", "/api/echo/x%", "/api/echo/x%2", "/api/echo/a%00b", "/api/echo/a%0d%0ab",
        "/api/echo/a?q=%zz", "/api/echo/a?q=%0d%0aX-Injected:%201", "/api/echo/a?q=%00", "/api/echo/./x",
        "/api/products/..%2f..%2fusers/u1", "/api/products/%2e%2e/%2e%2e/api/users/u1"};
    for (String p : bad) {
      out.add(FuzzCase.of("path", p, "GET " + p + (p.contains("?") ? "&" : "?") + "m=" + FuzzCase.REFUSED
          + " HTTP/1.1\r\nHost: shop\r\n\r\n", oneOf(400)));
    }
    String[] odd = {"//api/echo/x", "/api//echo/x", "/API/ECHO/x", "/api/echo/%41%42", "/api/echo/%E2%82%AC",
        "/api/echo/\u00e9", "/api/echo/x;jsessionid=1", "/api/echo/x#frag", "/api/products/-1", "/api/products/999999",
        "/api/products/%20", "/api/product-details/%2520", "/api/product-details/0", "/api/nothing-here"};
    for (String p : odd) {
      out.add(FuzzCase.of("path", p, "GET " + p + " HTTP/1.1\r\nHost: shop\r\n\r\n", below500()));
    }
  }

  private void bodies(List<FuzzCase> out) {
    String[] invalid = {"{", "{\"items\":", "[1,2", "nul", "{\"items\":[]}garbage", "\u00ff\u00fe{}", "{'a':1}",
        "{\"a\":NaN}", "{\"a\":1e999999}", "\"" + "s".repeat(20_000), "[".repeat(5_000) + "]".repeat(5_000),
        "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000), "", "{\"items\":[{\"productId\":\"\u0000\"}]", "\u0000",
        "{\"items\": \"not a list\"}", "[]", "42", "{\"items\":[{\"productId\":{},\"quantity\":-1}]}"};
    for (String body : invalid) {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      String shown = body.length() > 24 ? body.substring(0, 24) + "..." : body;
      out.add(FuzzCase.of("body", "POST /api/orders " + shown.replaceAll("\\p{Cntrl}", "?"),
          "POST /api/orders HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer " + tokens.valid()
          + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n"
          + new String(b, StandardCharsets.ISO_8859_1), clientError()));
    }
    out.add(FuzzCase.of("body", "POST /api/orders chunked garbage", "POST /api/orders HTTP/1.1\r\nHost: shop\r\n"
        + "Authorization: Bearer " + tokens.valid() + "\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n3\r\n{{{\r\n0\r\n\r\n", clientError()));
    out.add(FuzzCase.of("body", "POST /api/orders as text/plain", "POST /api/orders HTTP/1.1\r\nHost: shop\r\n"
        + "Authorization: Bearer " + tokens.valid() + "\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc",
        clientError()));
    out.add(FuzzCase.of("body", "POST /api/orders without a token", "POST /api/orders HTTP/1.1\r\nHost: shop\r\n"
        + "Content-Type: application/json\r\nContent-Length: 1\r\n\r\n{", oneOf(401)));
  }

  private void tokens(List<FuzzCase> out) {
    String header = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String[] parts = tokens.valid().split("\\.");
    String payload = parts[1];
    String tampered = parts[0] + "." + B64.encodeToString(new String(Base64.getUrlDecoder().decode(payload),
        StandardCharsets.UTF_8).replace("\"sub\":\"u", "\"sub\":\"u1").getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    String[][] bad = {
        {"alg none", header + "." + payload + "."},
        {"alg none, no dot", header + "." + payload},
        {"expired", tokens.expired()},
        {"wrong audience", tokens.wrongAudience()},
        {"wrong issuer", tokens.wrongIssuer()},
        {"unknown kid", tokens.unknownKid()},
        {"HS256 signed with the public key", tokens.hsWithPublicKey()},
        {"payload tampered", tampered},
        {"signature cut", parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10)},
        {"signature missing", parts[0] + "." + parts[1] + "."},
        {"three dots", "a.b.c"},
        {"empty", ""},
        {"not base64", "!!!.@@@.###"},
        {"JSON header garbage", B64.encodeToString("{\"alg\":".getBytes(StandardCharsets.UTF_8)) + "." + payload + ".x"},
        {"16KB token", "e".repeat(15_000)},
        {"control character", "abc\u0001def"},
    };
    for (String[] t : bad) {
      out.add(FuzzCase.of("token", t[0], "GET /api/me HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer " + t[1]
          + "\r\n\r\n", t[0].equals("16KB token") ? oneOf(401, 431) : t[0].equals("control character")
          ? oneOf(400, 401) : oneOf(401)));
    }
    for (String scheme : new String[] {"Basic dTE6cHc=", "Bearer", "bearer " + tokens.valid().substring(0, 20),
        "Token x", "Bearer  " + tokens.wrongAudience()}) {
      out.add(FuzzCase.of("token", "Authorization: " + scheme.substring(0, Math.min(14, scheme.length())),
          "GET /api/me HTTP/1.1\r\nHost: shop\r\nAuthorization: " + scheme + "\r\n\r\n", oneOf(401)));
    }
  }

  /** A valid request with one random mistake: a stray byte, a cut, a duplicate line, a garbage token. */
  private FuzzCase mutation(Random random) {
    String[] valid = {
        "GET /api/echo/mut?a=1 HTTP/1.1\r\nHost: shop\r\nAccept: application/json\r\n\r\n",
        "POST /api/echo/mut HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n"
            + "{\"a\":[1]}",
        "GET /api/me HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer " + tokens.valid() + "\r\n\r\n",
        "GET /api/products/7 HTTP/1.1\r\nHost: shop\r\n\r\n",
        "POST /api/orders HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer " + tokens.valid()
            + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
    };
    String base = valid[random.nextInt(valid.length)];
    int headEnd = base.indexOf("\r\n\r\n");
    StringBuilder sb = new StringBuilder(base);
    String kind;
    switch (random.nextInt(6)) {
      case 0 -> {
        int at = random.nextInt(headEnd);
        char c = (char) random.nextInt(32);
        sb.insert(at, c == '\r' || c == '\n' ? '\u0000' : c);
        kind = "control byte in the head";
      }
      case 1 -> {
        int at = random.nextInt(headEnd);
        sb.setCharAt(at, (char) (128 + random.nextInt(128)));
        kind = "high byte in the head";
      }
      case 2 -> {
        int at = random.nextInt(headEnd);
        String special = "%\\/.;:@ \t\"<>{}|^`";
        sb.setCharAt(at, special.charAt(random.nextInt(special.length())));
        kind = "special character in the head";
      }
      case 3 -> {
        int lineStart = base.indexOf("\r\n") + 2;
        sb.insert(lineStart, base, lineStart, base.indexOf("\r\n", lineStart) + 2);
        kind = "a header line twice";
      }
      case 4 -> {
        byte[] garbage = new byte[1 + random.nextInt(64)];
        random.nextBytes(garbage);
        sb.insert(headEnd + 2, "X-G: " + new String(garbage, StandardCharsets.ISO_8859_1).replace('\r', 'r')
            .replace('\n', 'n') + "\r\n");
        kind = "garbage header value";
      }
      default -> {
        int at = random.nextInt(headEnd);
        sb.insert(at, "%" + Integer.toHexString(random.nextInt(256)) + (random.nextBoolean() ? "" : "%"));
        kind = "stray percent-escape";
      }
    }
    return FuzzCase.of("mutation", kind, sb.toString(), below500());
  }
}
