package dev.bff.web.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What one fault (or phase) of the scenario did: what was injected and when (ms of the load's time
 * base), what was expected, what was seen, and every expectation that was not met.
 */
final class Outcome {
  final String name;
  final String injected;
  final String expected;
  long fromMs;
  long toMs;
  Counters counters;
  final List<String> observed = new ArrayList<>();
  final List<String> problems = new ArrayList<>();
  private final List<Consumer<Samples>> later = new ArrayList<>();

  Outcome(String name, String injected, String expected) {
    this.name = name;
    this.injected = injected;
    this.expected = expected;
  }

  Outcome saw(String what) {
    observed.add(what);
    return this;
  }

  /** Records a problem unless {@code ok}. */
  Outcome check(boolean ok, String problem) {
    if (!ok) {
      problems.add(problem);
    }
    return this;
  }

  /** A check of the load's samples, run once the load has stopped. */
  Outcome after(Consumer<Samples> check) {
    later.add(check);
    return this;
  }

  /** Runs the checks kept for the samples. */
  void finish(Samples samples) {
    later.forEach(c -> c.accept(samples));
  }

  boolean passed() {
    return problems.isEmpty();
  }
}
