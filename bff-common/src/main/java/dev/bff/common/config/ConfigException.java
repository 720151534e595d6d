package dev.bff.common.config;

import java.util.List;

/** Thrown when a configuration file is invalid; lists every problem found, not just the first. */
public final class ConfigException extends RuntimeException {
  private final String source;
  private final List<ConfigProblem> problems;

  /** Creates the exception for the file {@code source} with its problems. */
  public ConfigException(String source, List<ConfigProblem> problems) {
    super(render(source, problems), null, false, false);
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  /** The file (or resource) the problems were found in. */
  public String source() {
    return source;
  }

  /** The problems, in the order they were found. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String render(String source, List<ConfigProblem> problems) {
    StringBuilder sb = new StringBuilder("invalid configuration in ").append(source).append(" (")
        .append(problems.size()).append(problems.size() == 1 ? " problem)" : " problems)");
    for (ConfigProblem p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }
}
