package dev.bff.common.files;

import dev.bff.common.config.ConfigProblem;
import dev.bff.common.config.StaticConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A filesystem directory. Each look-up runs on a worker thread: the path is resolved with every
 * symbolic link followed ({@link Path#toRealPath}) and must still lie below the directory's own real
 * path, so a link pointing outside serves nothing. Bytes go out with {@code sendFile} (zero-copy on
 * plain-text HTTP/1.x without compression), or stream from an {@link io.vertx.core.file.AsyncFile}
 * when the compressor needs the head first.
 */
final class DiskFiles implements StaticFiles {
  private static final OpenOptions READ = new OpenOptions().setRead(true).setWrite(false).setCreate(false);

  private final Vertx vertx;
  private final Path root;
  private final String index;

  private DiskFiles(Vertx vertx, Path root, String index) {
    this.vertx = vertx;
    this.root = root;
    this.index = index;
  }

  /** Opens {@code config.dir()}, which must be a readable directory now. */
  static DiskFiles open(Vertx vertx, StaticConfig config, String key, List<ConfigProblem> problems) {
    try {
      Path root = Path.of(config.dir()).toRealPath();
      if (!Files.isDirectory(root) || !Files.isReadable(root)) {
        problems.add(new ConfigProblem(key + ".dir", "is not a readable directory: '" + config.dir() + "'"));
        return null;
      }
      return new DiskFiles(vertx, root, config.index());
    } catch (IOException | InvalidPathException e) {
      problems.add(new ConfigProblem(key + ".dir", "cannot be opened: " + e.getMessage()));
      return null;
    }
  }

  @Override
  public Future<StaticFile> find(FilePath path) {
    return vertx.executeBlocking(() -> resolve(path), false);
  }

  /** Blocking: the file {@code path} names, or null. */
  private StaticFile resolve(FilePath path) throws IOException {
    Path p = root;
    for (String s : path.segments()) {
      p = p.resolve(s);
    }
    try {
      Path real = p.toRealPath();
      if (!real.startsWith(root)) {
        return null; // a symbolic link out of the directory
      }
      BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
      if (a.isDirectory()) {
        real = real.resolve(index).toRealPath();
        if (!real.startsWith(root)) {
          return null;
        }
        a = Files.readAttributes(real, BasicFileAttributes.class);
      } else if (path.directory()) {
        return null; // "/file.txt/" names a directory that is not there
      }
      if (!a.isRegularFile() || !Files.isReadable(real)) {
        return null; // no devices, pipes or sockets, and nothing the process may not read
      }
      long micros = a.lastModifiedTime().to(TimeUnit.MICROSECONDS);
      return new DiskFile(vertx, real.toString(), a.size(), a.lastModifiedTime().toMillis(),
          Long.toHexString(micros) + "-" + Long.toHexString(a.size()), MediaTypes.of(real.getFileName().toString()));
    } catch (FileSystemException e) {
      return null; // missing, not a directory, no permission, a loop of links
    }
  }

  @Override
  public String describe() {
    return "dir=" + root + " index=" + index;
  }

  /** A regular file below the directory, by its real path. */
  private record DiskFile(Vertx vertx, String path, long size, long lastModified, String tag, String mediaType)
      implements StaticFile {
    @Override
    public Future<Void> send(HttpServerResponse response, long offset, long length, boolean headFirst) {
      if (!headFirst) {
        return response.sendFile(path, offset, length);
      }
      return vertx.fileSystem().open(path, READ).compose(file -> {
        file.setReadPos(offset).setReadLength(length);
        response.writeHead();
        return file.pipeTo(response).eventually(file::close);
      });
    }
  }
}
