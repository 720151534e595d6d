package dev.bff.web.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The reliability suite's full form: the scenario of {@link ReliabilityShortTest} for
 * {@code -Dreliability.minutes} minutes of load at 1,000 req/s, writing its report to
 * {@code -Dreliability.results} (default {@code deploy/reliability/RESULTS.md}). Skipped unless the
 * minutes are given; {@code deploy/reliability/run.sh} runs it.
 */
@ExtendWith(VertxExtension.class)
@EnabledIfSystemProperty(named = "reliability.minutes", matches = "[0-9]+(\\.[0-9]+)?")
@Timeout(value = 90, unit = TimeUnit.MINUTES)
class ReliabilityFullRun {
  @Test
  void heldLoadSurvivesFaultsAndBadInputWithoutLosingARequest(Vertx vertx) throws Exception {
    double minutes = Double.parseDouble(System.getProperty("reliability.minutes"));
    Path results = Path.of(System.getProperty("reliability.results", "../deploy/reliability/RESULTS.md"));
    Verdict v = ReliabilityRun.run(vertx, Profile.fullForm(minutes), System.getProperty("reliability.command",
        "deploy/reliability/run.sh " + minutes), results);
    assertThat(v.problems).as("reliability problems (report: " + results + ")").isEmpty();
  }
}
