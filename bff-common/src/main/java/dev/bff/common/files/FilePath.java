package dev.bff.common.files;

import dev.bff.common.shape.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The file a static route's request names: the decoded segments of what the route's {@code /**}
 * matched, checked so that they can only name something below the route's directory.
 *
 * @param segments  decoded names, none empty, {@code .} or {@code ..}, none holding a slash,
 *                  backslash, colon or control character, none starting with a dot (hidden files
 *                  are never served); empty for the directory itself
 * @param directory whether the path ended with {@code /} (then only a directory's index answers)
 */
public record FilePath(List<String> segments, boolean directory) {
  /** The route's directory itself. */
  public static final FilePath ROOT = new FilePath(List.of(), true);

  /**
   * The file named by {@code rest} (raw, starting with {@code /}, as {@link
   * dev.bff.common.routing.PathMatch#rest()} gives it; null or empty for the directory), or null when
   * it cannot name a file a static route serves.
   */
  public static FilePath of(String rest) {
    if (rest == null || rest.isEmpty() || rest.equals("/")) {
      return ROOT;
    }
    if (rest.charAt(0) != '/') {
      return null;
    }
    String[] raw = rest.substring(1).split("/", -1);
    List<String> out = new ArrayList<>(raw.length);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i].isEmpty()) {
        if (i == raw.length - 1) {
          return new FilePath(List.copyOf(out), true);
        }
        return null; // "//": no file has an empty name
      }
      String name = Paths.decode(raw[i]);
      if (name == null || !servable(name)) {
        return null;
      }
      out.add(name);
    }
    return new FilePath(List.copyOf(out), false);
  }

  /** Whether a decoded name may be looked up: not hidden, no separator, no drive, no control character. */
  static boolean servable(String name) {
    if (name.isEmpty() || name.charAt(0) == '.') {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ':') {
        return false;
      }
    }
    return true;
  }

  /** The segments joined with {@code /}: a key of a bundled directory. */
  String joined() {
    return String.join("/", segments);
  }
}
