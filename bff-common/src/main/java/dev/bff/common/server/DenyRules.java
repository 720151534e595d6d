package dev.bff.common.server;

import dev.bff.common.config.HardeningConfig;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The configured deny patterns ({@code server.hardening}), compiled once: searched in the
 * percent-decoded path and query string and, when configured, in each header line. Built only when
 * there is at least one pattern, so requests of a gateway without deny rules pay nothing.
 */
final class DenyRules {
  private final Pattern[] target;
  private final Pattern[] headers;

  private DenyRules(HardeningConfig config) {
    this.target = config.denyPatterns().toArray(new Pattern[0]);
    this.headers = config.denyHeaderPatterns().toArray(new Pattern[0]);
  }

  /** The rules of {@code config}, or null when it has none. */
  static DenyRules of(HardeningConfig config) {
    return config == null || config.isEmpty() ? null : new DenyRules(config);
  }

  /** Whether a pattern is found in the decoded path or query, or in a header line. */
  boolean matches(HttpServerRequest req, String path, String query) {
    if (target.length > 0) {
      String p = decode(path, false);
      String q = query == null || query.isEmpty() ? null : decode(query, true);
      for (Pattern x : target) {
        if (x.matcher(p).find() || (q != null && x.matcher(q).find())) {
          return true;
        }
      }
    }
    if (headers.length > 0) {
      for (Map.Entry<String, String> h : req.headers()) {
        String line = h.getKey().toLowerCase(Locale.ROOT) + ": " + h.getValue();
        for (Pattern x : headers) {
          if (x.matcher(line).find()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Percent-decodes {@code s} as UTF-8 (PathCheck has refused invalid escapes already). */
  static String decode(String s, boolean plusIsSpace) {
    if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
          && Character.digit(s.charAt(i + 2), 16) >= 0) {
        out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        out.write(' ');
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
