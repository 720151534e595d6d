package dev.bff.common.upstream;

import dev.bff.common.routing.Category;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/** Maps what went wrong talking to an upstream onto a {@link Category}. */
public final class Failures {
  private Failures() {}

  /** The category of an upstream failure. */
  public static Category classify(Throwable t) {
    if (t instanceof TimeoutException || t instanceof io.netty.channel.ConnectTimeoutException) {
      return Category.TIMEOUT;
    }
    if (t instanceof ConnectException || t instanceof UnknownHostException) {
      return Category.UNREACHABLE;
    }
    if (t instanceof HttpClosedException || t instanceof StreamResetException || t instanceof ClosedChannelException) {
      return Category.RESET;
    }
    if (t instanceof IOException) {
      String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      return m.contains("reset") || m.contains("closed") || m.contains("broken pipe") ? Category.RESET : Category.ERROR;
    }
    if (t instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
      return Category.UNAVAILABLE;
    }
    return Category.ERROR;
  }

  /** A short, address-free description of a failure for problem details. */
  public static String describe(Category c, String upstream) {
    return switch (c) {
      case TIMEOUT -> "upstream '" + upstream + "' did not answer in time";
      case UNREACHABLE -> "upstream '" + upstream + "' could not be reached";
      case RESET -> "upstream '" + upstream + "' closed the connection";
      case UNAVAILABLE -> "no instance of upstream '" + upstream + "' is available";
      case CIRCUIT_OPEN -> "the circuit breaker of upstream '" + upstream + "' is open";
      default -> "upstream '" + upstream + "' failed";
    };
  }

  /**
   * Whether a failure says the upstream is unwell (counted by circuit breakers): timeouts, resets,
   * refused connections and broken responses; not a full local pool or an open circuit.
   */
  public static boolean upstreamFault(Category c) {
    return c == Category.TIMEOUT || c == Category.UNREACHABLE || c == Category.RESET || c == Category.ERROR;
  }

  /** Whether a failure happened before the upstream could have acted on the request (safe to retry). */
  public static boolean retryable(Category c) {
    return c == Category.UNREACHABLE || c == Category.RESET;
  }
}
