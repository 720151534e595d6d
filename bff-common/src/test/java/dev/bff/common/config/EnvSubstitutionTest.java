package dev.bff.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {
  private final EnvSubstitution env = new EnvSubstitution(
      Map.of("HOST", "10.0.0.5", "PORT", "7101", "EMPTY", "", "TRICKY", "${HOST}")::get);

  @Test
  void textWithoutReferencesIsUnchanged() {
    assertThat(env.apply("plain $ text {x}")).isEqualTo("plain $ text {x}");
    assertThat(env.apply("")).isEqualTo("");
  }

  @Test
  void setVariablesAreSubstitutedAnywhereInTheValue() {
    assertThat(env.apply("${HOST}")).isEqualTo("10.0.0.5");
    assertThat(env.apply("http://${HOST}:${PORT}/x")).isEqualTo("http://10.0.0.5:7101/x");
    assertThat(env.apply("${HOST}${PORT}")).isEqualTo("10.0.0.57101");
  }

  @Test
  void defaultsApplyOnlyWhenTheVariableIsUnset() {
    assertThat(env.apply("${HOST:127.0.0.1}")).isEqualTo("10.0.0.5");
    assertThat(env.apply("${MISSING:127.0.0.1}")).isEqualTo("127.0.0.1");
    assertThat(env.apply("${MISSING:}")).isEqualTo("");
    assertThat(env.apply("${EMPTY:fallback}")).isEqualTo("");
  }

  @Test
  void aDefaultMayContainColons() {
    assertThat(env.apply("${CATALOG_URL:http://127.0.0.1:7101}")).isEqualTo("http://127.0.0.1:7101");
  }

  @Test
  void substitutedValuesAreNotExpandedAgain() {
    assertThat(env.apply("${TRICKY}")).isEqualTo("${HOST}");
  }

  @Test
  void aDoubledDollarEscapesAReference() {
    assertThat(env.apply("$${HOST}")).isEqualTo("${HOST}");
    assertThat(env.apply("a $${HOST} b ${PORT}")).isEqualTo("a ${HOST} b 7101");
  }

  @Test
  void anUnsetVariableWithoutDefaultIsAnErrorNamingIt() {
    assertThatThrownBy(() -> env.apply("http://${NOPE}:1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NOPE").hasMessageContaining("not set");
  }

  @Test
  void malformedReferencesAreErrors() {
    assertThatThrownBy(() -> env.apply("${HOST")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unclosed");
    assertThatThrownBy(() -> env.apply("${:x}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty variable name");
  }
}
