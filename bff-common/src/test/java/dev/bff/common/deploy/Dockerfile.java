package dev.bff.common.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stages of a Dockerfile, as far as the manifests depend on them: each stage's base (an image or
 * an earlier stage), the ports it exposes, what it copies from other stages, its user and entry point
 * (inherited from the stage it starts from).
 *
 * @param stages by name ({@code AS name}), in file order
 */
record Dockerfile(Map<String, Stage> stages) {

  /**
   * One {@code FROM ... AS name} stage.
   *
   * @param from       the image or earlier stage it starts from
   * @param exposed    its {@code EXPOSE}d ports
   * @param copies     {@code COPY --from=...} instructions as {source, destination}
   * @param user       its own {@code USER}, or null
   * @param entrypoint its own {@code ENTRYPOINT} as written, or null
   */
  record Stage(String from, Set<Integer> exposed, List<String[]> copies, String user, String entrypoint) {}

  /** Reads the file; continuation lines are joined and comments dropped. */
  static Dockerfile read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Stage> stages = new LinkedHashMap<>();
    String name = null;
    String from = null;
    Set<Integer> exposed = new LinkedHashSet<>();
    List<String[]> copies = new ArrayList<>();
    String user = null;
    String entrypoint = null;
    List<String> lines = new ArrayList<>(text.replaceAll("\\\\\\n", " ").lines()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
    lines.add("FROM end AS end");
    for (String line : lines) {
      String[] w = line.split("\\s+");
      switch (w[0].toUpperCase()) {
        case "FROM" -> {
          if (name != null) {
            stages.put(name, new Stage(from, Set.copyOf(exposed), List.copyOf(copies), user, entrypoint));
          }
          from = w[1];
          name = w.length > 3 && w[2].equalsIgnoreCase("AS") ? w[3] : w[1];
          exposed = new LinkedHashSet<>();
          copies = new ArrayList<>();
          user = null;
          entrypoint = null;
        }
        case "EXPOSE" -> {
          for (int i = 1; i < w.length; i++) {
            exposed.add(Integer.parseInt(w[i].replace("/tcp", "")));
          }
        }
        case "COPY" -> {
          if (w[1].startsWith("--from=")) {
            copies.add(new String[] {w[2], w[3]});
          }
        }
        case "USER" -> user = w[1];
        case "ENTRYPOINT" -> entrypoint = line.substring("ENTRYPOINT".length()).strip();
        default -> { }
      }
    }
    return new Dockerfile(stages);
  }

  /** The stage's user: its own {@code USER}, else that of the stage it starts from. */
  String user(String stage) {
    Stage s = stages.get(stage);
    return s == null ? null : s.user() != null ? s.user() : user(s.from());
  }

  /** The stage's entry point: its own, else that of the stage it starts from. */
  String entrypoint(String stage) {
    Stage s = stages.get(stage);
    return s == null ? null : s.entrypoint() != null ? s.entrypoint() : entrypoint(s.from());
  }

  /** The image the stage finally rests on (following stages back to a {@code FROM image}). */
  String baseImage(String stage) {
    Stage s = stages.get(stage);
    return s == null ? stage : baseImage(s.from());
  }
}
