package dev.bff.common.testing;

import dev.bff.common.server.Bff;

/**
 * Runs a BFF without Java endpoints in its own JVM ({@code --config FILE}), for tests that need a
 * separate process: a small heap, or a real SIGTERM.
 */
public final class GatewayMain {
  private GatewayMain() {}

  /** Launches {@link BffUnderTest.TestModule} exactly as a BFF's {@code main} does. */
  public static void main(String[] args) {
    Bff.launch(BffUnderTest.TestModule.INSTANCE, args);
  }
}
