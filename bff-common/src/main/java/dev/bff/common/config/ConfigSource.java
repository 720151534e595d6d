package dev.bff.common.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a running BFF reads its configuration again on reload ({@code POST /admin/reload}, SIGHUP,
 * a watched file): the file or classpath resource it started from, through the same loader
 * (environment, default ports), so an unchanged file reads back as the same configuration.
 */
public interface ConfigSource {
  /**
   * Reads and validates the configuration (blocking: called off the event loops).
   *
   * @throws ConfigException when it is unreadable or invalid
   */
  BffConfig read();

  /** The file to watch for changes, or null when there is none (a classpath resource, text). */
  default Path file() {
    return null;
  }

  /** A file read by {@code loader}. */
  static ConfigSource file(ConfigLoader loader, Path file) {
    return new ConfigSource() {
      @Override
      public BffConfig read() {
        return loader.load(file);
      }

      @Override
      public Path file() {
        return file;
      }

      @Override
      public String toString() {
        return file.toString();
      }
    };
  }

  /** A classpath resource read by {@code loader} (it cannot change while the BFF runs). */
  static ConfigSource resource(ConfigLoader loader, String name) {
    return new ConfigSource() {
      @Override
      public BffConfig read() {
        return loader.loadResource(name);
      }

      @Override
      public String toString() {
        return "classpath:" + name;
      }
    };
  }

  /** No source to read again: a configuration given as text or built in code; every reload fails saying so. */
  static ConfigSource none(String source) {
    return new ConfigSource() {
      @Override
      public BffConfig read() {
        throw new ConfigException(source, List.of(new ConfigProblem("", "was not read from a file or resource, "
            + "so there is nothing to reload from; start the BFF with --config FILE")));
      }

      @Override
      public String toString() {
        return source;
      }
    };
  }
}
