package dev.bff.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * JSON body checks of a route or endpoint ({@code body-check}): the gateway reads the body (never
 * more than {@code maxSize}), refuses it before any upstream is called when its type, size or JSON
 * is wrong, and passes it on buffered.
 *
 * @param contentTypes media types accepted for a body, lower case; {@code type/*} and
 *                     {@code type/*+suffix} match a family ({@code application/*+json})
 * @param maxSize      the largest body in bytes (413 above)
 * @param maxDepth     the deepest nesting of objects and arrays (400 above)
 * @param require      whether POST, PUT and PATCH must have a body (400 without)
 */
public record BodyCheckConfig(List<String> contentTypes, long maxSize, int maxDepth, boolean require) {
  /** {@code application/json}. */
  public static final List<String> DEFAULT_TYPES = List.of("application/json");
  /** 1 MiB. */
  public static final long DEFAULT_MAX_SIZE = 1024 * 1024;
  /** 32 levels. */
  public static final int DEFAULT_MAX_DEPTH = 32;

  private static final Pattern MEDIA_TYPE =
      Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/([a-z0-9][a-z0-9!#$&^_.+-]*|\\*|\\*\\+[a-z0-9][a-z0-9!#$&^_.+-]*)");

  /** Whether a {@code Content-Type} header value names an accepted media type (parameters ignored). */
  public boolean accepts(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    for (String t : contentTypes) {
      int star = t.indexOf('*');
      if (star < 0 ? t.equals(type)
          : type.startsWith(t.substring(0, star)) && type.endsWith(t.substring(star + 1))
              && type.length() > t.length() - 1) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "body-check json types=" + contentTypes + " max-size=" + maxSize + "B max-depth=" + maxDepth
        + (require ? " require" : "");
  }

  /** Reads a {@code body-check} block; null when absent. */
  static BodyCheckConfig read(ConfigNode n) {
    if (!n.present()) {
      return null;
    }
    if (!n.isObject()) {
      n.problem(null, "must be a mapping (content-types, max-size, max-depth, require); {} for the defaults");
      return null;
    }
    n.allowOnly(Set.of("content-types", "max-size", "max-depth", "require"));
    List<String> types = new ArrayList<>();
    List<ConfigNode> listed = n.list("content-types");
    for (ConfigNode t : listed) {
      String v = t.text();
      if (v == null) {
        continue;
      }
      String type = v.trim().toLowerCase(Locale.ROOT);
      if (!MEDIA_TYPE.matcher(type).matches()) {
        t.problem(null, "must be a media type like application/json or application/*+json, was '" + v + "'");
      } else {
        types.add(type);
      }
    }
    if (n.child("content-types").present() && listed.isEmpty()) {
      n.problem("content-types", "must list at least one media type");
    }
    long maxSize = n.size("max-size", DEFAULT_MAX_SIZE);
    if (maxSize < 1) {
      n.problem("max-size", "must be at least 1 byte");
    }
    return new BodyCheckConfig(types.isEmpty() ? DEFAULT_TYPES : List.copyOf(types), maxSize,
        n.integer("max-depth", DEFAULT_MAX_DEPTH, 1, 1000), n.bool("require", false));
  }
}
