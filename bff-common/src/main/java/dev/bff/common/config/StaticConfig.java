package dev.bff.common.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * A route that serves files from a directory ({@code static}) instead of proxying: the part of the
 * request path that the route's {@code /**} matched names a file below {@code dir}.
 *
 * @param dir    a filesystem directory, or {@code classpath:NAME} for files packaged with the BFF
 * @param index  the file a directory request serves (a directory without it is 404: nothing is listed)
 * @param maxAge how long clients may use a copy without asking again ({@code Cache-Control: max-age});
 *               zero: they revalidate every time ({@code no-cache}), cheaply, with the validators
 * @param etag   which entity tags are sent
 */
public record StaticConfig(String dir, String index, Duration maxAge, ETagKind etag) {
  /** The prefix of a directory packaged in the BFF's jar (or on its classpath). */
  public static final String CLASSPATH = "classpath:";
  /** The index file name when none is given. */
  public static final String DEFAULT_INDEX = "index.html";
  /** The longest {@code max-age} allowed: a year, as RFC 9111 advises for "never expires". */
  static final Duration MAX_MAX_AGE = Duration.ofDays(365);

  /** Which entity tag a static file carries. */
  public enum ETagKind {
    /** A strong tag: byte ranges may be resumed with {@code If-Range}. */
    STRONG,
    /** A weak tag ({@code W/"..."}): conditional GETs only; {@code If-Range} never matches it. */
    WEAK,
    /** No tag: {@code Last-Modified} and {@code If-Modified-Since} only. */
    OFF
  }

  /** Whether {@link #dir} names a classpath directory. */
  public boolean classpath() {
    return dir.startsWith(CLASSPATH);
  }

  /** The classpath directory's resource name (without {@code classpath:} and surrounding slashes). */
  public String resourceName() {
    return resourceName(dir);
  }

  private static String resourceName(String dir) {
    return dir.substring(CLASSPATH.length()).replaceAll("^/+|/+$", "");
  }

  /** Reads a route's {@code static} block; null when absent. A filesystem directory must exist now. */
  static StaticConfig read(ConfigNode n) {
    if (!n.present()) {
      return null;
    }
    if (!n.isObject()) {
      n.problem(null, "must be a mapping like { dir: /srv/www, index: index.html, max-age: 10m }");
      return null;
    }
    n.allowOnly(Set.of("dir", "index", "max-age", "etag"));
    String dir = n.requiredString("dir");
    if (dir != null) {
      checkDir(n, dir.trim());
      dir = dir.trim();
    }
    String index = n.string("index", DEFAULT_INDEX).trim();
    if (index.isEmpty() || index.contains("/") || index.contains("\\") || index.startsWith(".")) {
      n.problem("index", "must be a plain file name like index.html, was '" + index + "'");
    }
    Duration maxAge = n.duration("max-age", Duration.ZERO);
    if (maxAge.compareTo(MAX_MAX_AGE) > 0) {
      n.problem("max-age", "must be at most 365d");
    }
    ETagKind etag = ETagKind.STRONG;
    String e = n.string("etag", "strong").trim().toLowerCase(Locale.ROOT);
    switch (e) {
      case "strong" -> etag = ETagKind.STRONG;
      case "weak" -> etag = ETagKind.WEAK;
      case "off", "false", "none" -> etag = ETagKind.OFF;
      default -> n.problem("etag", "must be strong, weak or off, was '" + e + "'");
    }
    return dir == null ? null : new StaticConfig(dir, index, maxAge, etag);
  }

  private static void checkDir(ConfigNode n, String dir) {
    if (dir.startsWith(CLASSPATH)) {
      String name = resourceName(dir);
      if (name.isEmpty() || name.contains("..") || name.contains("\\")) {
        n.problem("dir", "must name a classpath directory like classpath:web-static, was '" + dir + "'");
      } else if (StaticConfig.class.getClassLoader().getResource(name) == null) {
        n.problem("dir", "no classpath directory '" + name + "'");
      }
      return;
    }
    try {
      Path p = Path.of(dir);
      if (!Files.isDirectory(p)) {
        n.problem("dir", (Files.exists(p) ? "is not a directory: '" : "no such directory: '") + dir + "'");
      }
    } catch (InvalidPathException e) {
      n.problem("dir", "is not a valid path: '" + dir + "'");
    }
  }
}
