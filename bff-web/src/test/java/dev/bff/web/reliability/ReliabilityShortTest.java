package dev.bff.web.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reliability suite's short form (about 1.5 minutes, part of {@code mvn verify}): two bff-web
 * replicas behind nginx sharing Redis, under 300 req/s of mixed load, through slow, hanging and
 * resetting services, a catalog instance removed and added back, Redis killed, a replica killed,
 * repeated reloads, and then malformed requests and slow clients. Every request must be answered,
 * every answer must be 200 unless the fault of the moment explains it, each fault must show its
 * expected effect, and replica a's memory must stay flat. {@code deploy/reliability/run.sh} runs the
 * same scenario for 10 minutes at 1,000 req/s. The report is in
 * {@code bff-web/target/reliability-short.md}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ReliabilityShortTest {
  @Test
  void heldLoadSurvivesFaultsAndBadInputWithoutLosingARequest(Vertx vertx) throws Exception {
    Verdict v = ReliabilityRun.run(vertx, Profile.shortForm(),
        "mvn -o -B test -pl bff-web -am -Dtest=ReliabilityShortTest -Dsurefire.failIfNoSpecifiedTests=false",
        Path.of("target", "reliability-short.md"));
    assertThat(v.problems).as("reliability problems (report: bff-web/target/reliability-short.md)").isEmpty();
  }
}
