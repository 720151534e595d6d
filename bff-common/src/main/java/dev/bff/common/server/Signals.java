package dev.bff.common.server;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a graceful stop on SIGTERM and SIGINT (once), so the process can drain and exit 0, and a
 * configuration reload on SIGHUP.
 */
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

  /** Runs {@code reload} on every SIGHUP (where the platform has it). */
  @SuppressWarnings("sunapi")
  static void onHangup(Runnable reload) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> reload.run());
    } catch (IllegalArgumentException e) { // no SIGHUP here, or the JVM runs with -Xrs
      org.slf4j.LoggerFactory.getLogger(Signals.class).warn("SIGHUP cannot be handled ({}): reload through "
          + "POST /admin/reload", e.getMessage());
    }
  }
}
