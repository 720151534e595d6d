package dev.bff.demo;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class KeyRingTest {

  /** A clock moved by hand. */
  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2025-06-01T10:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final MovableClock clock = new MovableClock();
  private final KeyRing keys = new KeyRing(clock, Duration.ofMinutes(10));

  @Test
  void aRotatedOutKeyLeavesTheJwksWhenItsGracePeriodEnds() {
    String old = keys.signingKey(SigningAlg.RS256).kid();
    KeyRing.Rotation rotation = keys.rotate(SigningAlg.RS256, false);
    assertThat(rotation.previousKid()).isEqualTo(old);
    assertThat(keys.signingKey(SigningAlg.RS256)).isSameAs(rotation.key());
    assertThat(keys.published()).extracting(KeyRing.Published::kid)
      .containsExactly(rotation.key().kid(), keys.signingKey(SigningAlg.ES256).kid(), old);
    assertThat(keys.published().get(2).graceUntil()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));

    clock.advance(Duration.ofMinutes(10).minusSeconds(1));
    assertThat(keys.jwks().getJsonArray("keys")).hasSize(3);
    clock.advance(Duration.ofSeconds(1));
    assertThat(keys.jwks().getJsonArray("keys")).hasSize(2);
    assertThat(keys.published()).extracting(KeyRing.Published::kid).doesNotContain(old);
    assertThat(keys.remove(old)).isEmpty();
  }

  @Test
  void signingKeysKeepTheirOrderAndOnePerAlgorithm() {
    keys.rotate(SigningAlg.ES256, true);
    keys.rotate(SigningAlg.RS256, true);
    assertThat(keys.published()).extracting(KeyRing.Published::alg).containsExactly(SigningAlg.RS256, SigningAlg.ES256);
    assertThat(keys.published()).allMatch(KeyRing.Published::signing);
    String es = keys.signingKey(SigningAlg.ES256).kid();
    KeyRing.Removal removal = keys.remove(es).orElseThrow();
    assertThat(removal.replacementKid()).isEqualTo(keys.signingKey(SigningAlg.ES256).kid()).isNotEqualTo(es);
    assertThat(keys.published()).hasSize(2);
  }
}
