package dev.bff.common.config;

/**
 * One thing wrong with a configuration file: where (a key path such as {@code routes[2].upstream})
 * and what.
 *
 * @param path    the key path inside the file, {@code ""} for the file itself
 * @param message what is wrong, in words a user can act on
 */
public record ConfigProblem(String path, String message) {
  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
