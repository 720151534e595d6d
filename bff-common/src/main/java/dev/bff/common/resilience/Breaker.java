package dev.bff.common.resilience;

import dev.bff.common.config.UpstreamConfig.BreakerConfig;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker of one upstream, shared by all event loops. The state machine is
 * vertx-circuit-breaker's (closed, open, half-open after {@code open-for} with one trial call);
 * what opens it is decided here, over a sliding window of calls: a failure count or a failure ratio
 * (vertx-circuit-breaker only counts failures since the last success). Callers take a
 * {@link Ticket} per upstream call and report how it ended; while the circuit is open no ticket is
 * given and the caller answers at once.
 */
public final class Breaker {
  private static final Logger LOG = LoggerFactory.getLogger(Breaker.class);
  private static final Exception FAILED = new Exception("upstream call failed", null, false, false) {};

  private final String upstream;
  private final BreakerConfig config;
  private final CircuitBreaker circuit;
  private final FailureWindow window;
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong halfOpened = new AtomicLong();
  private final AtomicLong closed = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  /**
   * Creates the breaker.
   *
   * @param vertx     runs the open-to-half-open timer
   * @param nanoClock the clock of the failure window
   */
  public Breaker(Vertx vertx, String upstream, BreakerConfig config, LongSupplier nanoClock) {
    this.upstream = upstream;
    this.config = config;
    this.window = new FailureWindow(config.window().toNanos(), nanoClock);
    // no timeout (our deadlines bound every call), no event-bus notifications, and never opened by the
    // library's own consecutive count: this class decides when to open
    this.circuit = CircuitBreaker.create("upstream-" + upstream, vertx, new CircuitBreakerOptions()
        .setTimeout(-1)
        .setNotificationAddress(null)
        .setMaxFailures(Integer.MAX_VALUE)
        .setResetTimeout(Math.max(1, config.openFor().toMillis())));
    circuit.openHandler(v -> {
      opened.incrementAndGet();
      LOG.warn("circuit of upstream {} opened; half-open in {} ms", upstream, config.openFor().toMillis());
    });
    circuit.halfOpenHandler(v -> {
      halfOpened.incrementAndGet();
      LOG.info("circuit of upstream {} half-open: one trial call", upstream);
    });
    circuit.closeHandler(v -> {
      closed.incrementAndGet();
      synchronized (this) {
        window.clear();
      }
      LOG.info("circuit of upstream {} closed", upstream);
    });
  }

  /** One admitted call; report its end exactly once (later reports are ignored). */
  public static final class Ticket {
    private final Breaker breaker;
    private final Promise<Void> result = Promise.promise();
    private boolean counted;

    private Ticket(Breaker breaker) {
      this.breaker = breaker;
    }

    /** The upstream answered (any status below 500). */
    public void success() {
      end(false, true);
    }

    /** The upstream failed: 5xx, timeout, reset, refused or a broken response. */
    public void failure() {
      end(true, true);
    }

    /**
     * The call ended without telling anything about the upstream (the caller gave up, or no local
     * connection was free); not counted. A half-open trial that ends so re-opens the circuit.
     */
    public void neutral() {
      end(true, false);
    }

    private void end(boolean failed, boolean count) {
      if (counted) {
        return;
      }
      counted = true;
      if (count) {
        breaker.record(failed);
      }
      if (failed) {
        result.tryFail(FAILED);
      } else {
        result.tryComplete();
      }
    }
  }

  /** A ticket for one call, or null when the circuit rejects it (open, or half-open with its trial taken). */
  public Ticket tryAcquire() {
    if (circuit.state() == CircuitBreakerState.OPEN) { // the common rejection, without the library's allocations
      rejected.incrementAndGet();
      return null;
    }
    Ticket t = new Ticket(this);
    boolean[] admitted = new boolean[1];
    Future<Void> f = circuit.execute(() -> {
      admitted[0] = true;
      return t.result.future();
    });
    if (!admitted[0]) { // f failed with OpenCircuitException: the rejection is the answer
      rejected.incrementAndGet();
      return null;
    }
    return t;
  }

  private void record(boolean failed) {
    boolean open;
    synchronized (this) {
      if (circuit.state() != CircuitBreakerState.CLOSED) {
        return; // the half-open trial is judged by the state machine itself
      }
      window.record(failed);
      open = failed && tripped();
      if (open) {
        window.clear();
      }
    }
    if (open) {
      circuit.open();
    }
  }

  private boolean tripped() {
    long failures = window.failures();
    if (config.failures() > 0 && failures >= config.failures()) {
      return true;
    }
    long calls = window.calls();
    return config.failureRatio() > 0 && calls >= config.minimumCalls()
        && failures >= config.failureRatio() * calls;
  }

  /** The state: {@code closed}, {@code open} or {@code half_open}. */
  public String state() {
    return circuit.state().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Whether the circuit is open now. */
  public boolean isOpen() {
    return circuit.state() == CircuitBreakerState.OPEN;
  }

  /** How many times the circuit opened. */
  public long timesOpened() {
    return opened.get();
  }

  /** How many times the circuit went half-open (a trial call). */
  public long timesHalfOpened() {
    return halfOpened.get();
  }

  /** How many times the circuit closed again. */
  public long timesClosed() {
    return closed.get();
  }

  /** The upstream it guards. */
  public String upstream() {
    return upstream;
  }

  /** State and counters for the admin listener. */
  public synchronized JsonObject toJson() {
    return new JsonObject()
        .put("state", state())
        .put("windowCalls", window.calls())
        .put("windowFailures", window.failures())
        .put("timesOpened", opened.get())
        .put("rejected", rejected.get())
        .put("settings", new JsonObject()
            .put("failures", config.failures())
            .put("failureRatio", config.failureRatio())
            .put("minimumCalls", config.minimumCalls())
            .put("windowMs", config.window().toMillis())
            .put("openForMs", config.openFor().toMillis()));
  }

  @Override
  public String toString() {
    return "circuit-breaker{" + (config.failures() > 0 ? "failures=" + config.failures() + " " : "")
        + (config.failureRatio() > 0 ? "ratio=" + config.failureRatio() + " min-calls=" + config.minimumCalls() + " " : "")
        + "window=" + config.window().toMillis() + "ms open-for=" + config.openFor().toMillis() + "ms}";
  }
}
