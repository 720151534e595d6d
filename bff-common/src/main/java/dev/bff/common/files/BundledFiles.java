package dev.bff.common.files;

import dev.bff.common.cache.ETags;
import dev.bff.common.config.ConfigProblem;
import dev.bff.common.config.StaticConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A classpath directory ({@code classpath:NAME}: files packaged in the BFF's jar, or under
 * {@code target/classes} in a build), read whole into memory at start-up, so a request costs a map
 * look-up and nothing blocks. Each file's entity tag is a hash of its bytes; its {@code Last-Modified}
 * is the time it was read (jar entry times are often fixed by reproducible builds, so they cannot
 * tell two versions apart). Hidden files (a name starting with a dot) are left out.
 */
final class BundledFiles implements StaticFiles {
  /** The most a classpath directory may hold: larger sites belong in a filesystem directory. */
  static final long MAX_BYTES = 64L * 1024 * 1024;

  private final String name;
  private final String index;
  private final Map<String, Bundled> files;

  private BundledFiles(String name, String index, Map<String, Bundled> files) {
    this.name = name;
    this.index = index;
    this.files = files;
  }

  /** Reads every file below the classpath directory {@code config.resourceName()}. */
  static BundledFiles load(StaticConfig config, String key, List<ConfigProblem> problems) {
    String name = config.resourceName();
    Map<String, byte[]> read = new LinkedHashMap<>();
    try {
      Enumeration<URL> urls = BundledFiles.class.getClassLoader().getResources(name);
      while (urls.hasMoreElements()) {
        URL url = urls.nextElement();
        switch (url.getProtocol()) {
          case "file" -> readDirectory(Path.of(url.toURI()), read);
          case "jar" -> readJar(url, name, read);
          default -> problems.add(new ConfigProblem(key + ".dir", "classpath directory '" + name + "' is in a "
              + url.getProtocol() + ": location, which cannot be listed"));
        }
      }
    } catch (IOException | UncheckedIOException | URISyntaxException e) {
      problems.add(new ConfigProblem(key + ".dir", "classpath directory '" + name + "' cannot be read: " + e));
      return null;
    }
    long total = read.values().stream().mapToLong(b -> b.length).sum();
    if (read.isEmpty()) {
      problems.add(new ConfigProblem(key + ".dir", "classpath directory '" + name + "' holds no files"));
      return null;
    }
    if (total > MAX_BYTES) {
      problems.add(new ConfigProblem(key + ".dir", "classpath directory '" + name + "' holds " + total
          + " bytes, more than the " + MAX_BYTES + " kept in memory: serve it from a filesystem directory"));
      return null;
    }
    long now = System.currentTimeMillis();
    Map<String, Bundled> files = new LinkedHashMap<>();
    read.forEach((path, bytes) -> {
      Buffer b = Buffer.buffer(bytes);
      String tag = ETags.of(b, null);
      files.put(path, new Bundled(b, now, tag.substring(1, tag.length() - 1),
          MediaTypes.of(path.substring(path.lastIndexOf('/') + 1))));
    });
    return new BundledFiles(name, config.index(), Map.copyOf(files));
  }

  /** Adds the regular files below {@code dir}, a classpath directory on disk (first found wins; links not followed). */
  private static void readDirectory(Path dir, Map<String, byte[]> out) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && servable(rel)) {
          out.putIfAbsent(rel, Files.readAllBytes(p));
        }
      }
    }
  }

  /** Adds the files of the jar {@code url} points into that lie below {@code name}. */
  private static void readJar(URL url, String name, Map<String, byte[]> out) throws IOException {
    JarURLConnection c = (JarURLConnection) url.openConnection();
    c.setUseCaches(false); // a jar of our own, closed here, not one the class loader shares
    try (JarFile jar = c.getJarFile()) {
      String prefix = name + "/";
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        String rel = entry.getName().startsWith(prefix) ? entry.getName().substring(prefix.length()) : null;
        if (rel != null && !entry.isDirectory() && servable(rel) && !out.containsKey(rel)) {
          try (InputStream in = jar.getInputStream(entry)) {
            out.put(rel, in.readAllBytes());
          }
        }
      }
    }
  }

  /** Whether every segment of a relative path is a name a request may look up. */
  private static boolean servable(String rel) {
    if (rel.isEmpty()) {
      return false;
    }
    for (String s : rel.split("/")) {
      if (!FilePath.servable(s)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Future<StaticFile> find(FilePath path) {
    String key = path.joined();
    Bundled f = path.directory() ? null : files.get(key);
    if (f == null) {
      f = files.get(key.isEmpty() ? index : key + "/" + index);
    }
    return Future.succeededFuture(f);
  }

  @Override
  public String describe() {
    return "classpath:" + name + " (" + files.size() + " files in memory) index=" + index;
  }

  /** A file held in memory. */
  private record Bundled(Buffer content, long lastModified, String tag, String mediaType) implements StaticFile {
    @Override
    public long size() {
      return content.length();
    }

    @Override
    public Future<Void> send(HttpServerResponse response, long offset, long length, boolean headFirst) {
      // a slice shares the bytes; the whole body in one write lets the compressor judge its size
      return response.end(content.slice((int) offset, (int) (offset + length)));
    }
  }
}
