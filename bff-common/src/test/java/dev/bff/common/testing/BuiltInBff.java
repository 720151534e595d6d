package dev.bff.common.testing;

import dev.bff.common.routing.BffModule;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Starts a BFF module with its built-in {@code <name>.yaml}, as {@code java -jar} would. */
public final class BuiltInBff {
  private BuiltInBff() {}

  /** Starts {@code module} from its classpath YAML, resolving {@code ${...}} from {@code vars}. */
  public static BffUnderTest start(Vertx vertx, BffModule module, Map<String, String> vars) {
    String name = module.name() + ".yaml";
    try (InputStream in = module.getClass().getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no classpath resource " + name);
      }
      return BffUnderTest.start(vertx, module, new String(in.readAllBytes(), StandardCharsets.UTF_8), vars);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
