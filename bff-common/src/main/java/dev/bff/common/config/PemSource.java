package dev.bff.common.config;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where PEM text (certificates, keys, CAs) comes from: a file, which a listener re-reads when it
 * reloads its certificate, or a classpath resource ({@code classpath:certs/ca.pem}), read once.
 *
 * @param spec     as written in the YAML
 * @param file     the file, or null for a classpath resource
 * @param resource the classpath resource name, or null for a file
 */
public record PemSource(String spec, Path file, String resource) {
  /** The prefix that names a classpath resource instead of a file. */
  public static final String CLASSPATH = "classpath:";

  /** Whether the text is in a file, which may change while the gateway runs. */
  public boolean reloadable() {
    return file != null;
  }

  /** Reads the whole text; blocking, so never on an event loop. */
  public byte[] read() throws IOException {
    if (file != null) {
      return Files.readAllBytes(file);
    }
    URL url = find(resource);
    if (url == null) {
      throw new FileNotFoundException("classpath resource '" + resource + "' not found");
    }
    try (InputStream in = url.openStream()) {
      return in.readAllBytes();
    }
  }

  @Override
  public String toString() {
    return spec;
  }

  /**
   * Reads the source named at {@code key}: a readable file or an existing classpath resource;
   * null (with a problem when {@code required}) when absent.
   */
  static PemSource read(ConfigNode n, String key, boolean required) {
    String v = required ? n.requiredString(key) : n.string(key, null);
    if (v == null) {
      return null;
    }
    if (v.isBlank()) {
      n.problem(key, "must not be empty");
      return null;
    }
    if (v.startsWith(CLASSPATH)) {
      String name = v.substring(CLASSPATH.length()).replaceFirst("^/+", "");
      if (name.isEmpty() || find(name) == null) {
        n.problem(key, "classpath resource '" + name + "' not found");
      }
      return new PemSource(v, null, name);
    }
    Path p;
    try {
      p = Path.of(v);
    } catch (InvalidPathException e) {
      n.problem(key, "'" + v + "' is not a valid file path");
      return null;
    }
    if (!Files.isReadable(p) || Files.isDirectory(p)) {
      n.problem(key, "file '" + v + "' cannot be read");
    }
    return new PemSource(v, p, null);
  }

  /** The resource from the thread's class loader (an application server's), else from ours. */
  private static URL find(String name) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    URL url = context == null ? null : context.getResource(name);
    return url != null ? url : PemSource.class.getClassLoader().getResource(name);
  }
}
