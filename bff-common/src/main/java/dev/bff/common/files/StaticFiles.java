package dev.bff.common.files;

import dev.bff.common.config.ConfigProblem;
import dev.bff.common.config.StaticConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The directory a static route serves: a filesystem directory, looked up per request off the event
 * loop, or a classpath directory read once into memory. Shared by all event loops.
 */
public interface StaticFiles {
  /**
   * Finds the file {@code path} names (a directory's index for a directory), completing on the calling
   * event loop with null when there is none the route may serve: missing, hidden, not a regular
   * file, or outside the directory once symbolic links are followed.
   */
  Future<StaticFile> find(FilePath path);

  /** What it serves, for the start-up log. */
  String describe();

  /**
   * Opens the directory of a route's {@code static} block at start-up (or reload): blocking, off the
   * event loops. Problems are added at {@code key} (e.g. {@code routes[2].static}).
   *
   * @return the directory, or null when it cannot be served (a problem says why)
   */
  static StaticFiles open(Vertx vertx, StaticConfig config, String key, List<ConfigProblem> problems) {
    return config.classpath() ? BundledFiles.load(config, key, problems) : DiskFiles.open(vertx, config, key, problems);
  }
}
