package dev.bff.common.testing;

import dev.bff.common.server.Bff;

/** A process entry point for tests of how {@code Bff.launch} reports a bad configuration. */
public final class BadConfigMain {
  private BadConfigMain() {}

  /** Launches the route-only test module with the given arguments (e.g. {@code --config FILE}). */
  public static void main(String[] args) {
    Bff.launch(BffUnderTest.TestModule.INSTANCE, args);
  }
}
