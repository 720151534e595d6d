package dev.bff.common.server;

import java.util.concurrent.atomic.AtomicBoolean;

/** Runs a graceful stop on SIGTERM and SIGINT (once), so the process can drain and exit 0. */
final class Signals {
  private Signals() {}

  @SuppressWarnings("sunapi")
  static void onTerminate(Runnable stop) {
    AtomicBoolean once = new AtomicBoolean();
    sun.misc.SignalHandler h = sig -> {
      if (once.compareAndSet(false, true)) {
        stop.run();
      }
    };
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), h);
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), h);
  }
}
