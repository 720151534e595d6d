package dev.bff.common.server;

import dev.bff.common.config.Secret;
import dev.bff.common.config.TracingConfig;
import dev.bff.common.config.UriTemplate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The typed configuration as JSON for {@code /admin/config} and {@code /admin/routes}: records
 * become objects keyed as in the YAML (kebab-case), durations read like the YAML ({@code 250ms},
 * {@code 10s}), enums in lower case. Secrets never leave: {@link Secret}s, byte arrays (API key
 * digests), components named {@code secret} or {@code password}, every OTLP header value, values
 * of headers whose name looks like a credential, and the password in any {@code scheme://user:pass@}
 * URL are replaced by {@code <redacted>}.
 */
final class ConfigJson {
  /** Header (or map key) names whose values are credentials. */
  static final Pattern SENSITIVE = Pattern.compile(
      "(?i).*(authorization|cookie|token|secret|password|passwd|api[-_]?key|credential|signature).*");
  private static final Pattern USER_INFO = Pattern.compile("//[^@/\\s]*@");
  private static final int MAX_DEPTH = 24;
  /** Record components whose YAML key is a Java keyword, so the component has another name. */
  private static final Map<String, String> YAML_KEYS = Map.of("staticContent", "static");

  private ConfigJson() {}

  /** {@code value} as a JSON value (object, array, string, number, boolean or null), secrets redacted. */
  static Object of(Object value) {
    return of(value, 0, false);
  }

  /** A record as a JSON object, secrets redacted. */
  static JsonObject object(Record r) {
    return (JsonObject) of(r, 0, false);
  }

  /**
   * {@code value} as JSON with nothing redacted (secrets, digests and credentials as they are), for
   * telling whether two configurations differ; never shown or logged.
   */
  static Object revealed(Object value) {
    return of(value, 0, true);
  }

  private static Object of(Object v, int depth, boolean reveal) {
    if (v == null || v instanceof Boolean || v instanceof Number) {
      return v;
    }
    if (depth > MAX_DEPTH) {
      return "...";
    }
    if (reveal && v instanceof Secret s) {
      return s.value();
    }
    if (reveal && v instanceof byte[] b) {
      return java.util.HexFormat.of().formatHex(b);
    }
    if (v instanceof Secret || v instanceof byte[]) {
      return Secret.REDACTED;
    }
    if (v instanceof CharSequence || v instanceof URI || v instanceof Path) {
      return reveal ? v.toString() : url(v.toString());
    }
    if (v instanceof Duration d) {
      return duration(d);
    }
    if (v instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
    if (v instanceof Pattern p) {
      return p.pattern();
    }
    if (v instanceof UriTemplate t) {
      return reveal ? t.toString() : url(t.toString()); // as written, not its compiled tokens
    }
    if (v instanceof JsonObject || v instanceof JsonArray) {
      return v; // static fallback values written in the YAML, shown as they are
    }
    if (v instanceof Map<?, ?> m) {
      JsonObject o = new JsonObject();
      m.forEach((k, x) -> {
        String key = String.valueOf(k);
        o.put(key, !reveal && SENSITIVE.matcher(key).matches() && x != null ? Secret.REDACTED : of(x, depth + 1, reveal));
      });
      return o;
    }
    if (v instanceof Collection<?> c) {
      JsonArray a = new JsonArray();
      c.forEach(x -> a.add(of(x, depth + 1, reveal)));
      return a;
    }
    if (v instanceof Object[] arr) {
      JsonArray a = new JsonArray();
      for (Object x : arr) {
        a.add(of(x, depth + 1, reveal));
      }
      return a;
    }
    if (v instanceof Record r) {
      return record(r, depth, reveal);
    }
    return reveal ? v.toString() : url(v.toString()); // compiled values (templates, CIDRs) print what was written
  }

  private static JsonObject record(Record r, int depth, boolean reveal) {
    JsonObject o = new JsonObject();
    boolean otlp = r instanceof TracingConfig.Otlp;
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      Object x;
      try {
        var accessor = c.getAccessor();
        accessor.setAccessible(true);
        x = accessor.invoke(r);
      } catch (ReflectiveOperationException | RuntimeException e) {
        continue; // not readable: left out rather than guessed
      }
      String name = c.getName();
      Object json;
      if (reveal) {
        json = of(x, depth + 1, true);
      } else if (x != null && (name.equalsIgnoreCase("secret") || name.equalsIgnoreCase("password"))) {
        json = Secret.REDACTED;
      } else if (otlp && name.equals("headers") && x instanceof Map<?, ?> m) {
        JsonObject h = new JsonObject(); // a hosted collector's API key may sit under any header name
        m.keySet().forEach(k -> h.put(String.valueOf(k), Secret.REDACTED));
        json = h;
      } else {
        json = of(x, depth + 1, false);
      }
      o.put(YAML_KEYS.getOrDefault(name, kebab(name)), json);
    }
    return o;
  }

  /** {@code camelCase} as {@code camel-case}. */
  static String kebab(String name) {
    StringBuilder sb = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (Character.isUpperCase(ch)) {
        sb.append('-').append(Character.toLowerCase(ch));
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }

  /** A duration as the YAML writes it. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms == 0 || ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  /** Text with the password of any {@code scheme://user:password@host} left out. */
  private static String url(String s) {
    return s.indexOf('@') < 0 ? s : USER_INFO.matcher(s).replaceAll("//" + Secret.REDACTED + "@");
  }
}
