package dev.bff.common.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reading and writing {@code traceparent} per W3C Trace Context level 1. */
class TraceParentTest {
  static final String ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String PARENT = "00f067aa0ba902b7";

  @Test
  void aWellFormedHeaderIsValid() {
    assertThat(TraceParent.valid("00-" + ID + "-" + PARENT + "-01")).isTrue();
    assertThat(TraceParent.valid("00-" + ID + "-" + PARENT + "-00")).isTrue();
    assertThat(TraceParent.traceId("00-" + ID + "-" + PARENT + "-01")).isEqualTo(ID);
    assertThat(TraceParent.sampled("00-" + ID + "-" + PARENT + "-01")).isTrue();
    assertThat(TraceParent.sampled("00-" + ID + "-" + PARENT + "-02")).isFalse();
  }

  @Test
  void aLaterVersionMayCarryMoreFields() {
    assertThat(TraceParent.valid("01-" + ID + "-" + PARENT + "-01")).isTrue();
    assertThat(TraceParent.valid("01-" + ID + "-" + PARENT + "-01-extra")).isTrue();
    assertThat(TraceParent.valid("01-" + ID + "-" + PARENT + "-01extra")).isFalse();
  }

  @Test
  void malformedHeadersAreNot() {
    assertThat(TraceParent.valid(null)).isFalse();
    assertThat(TraceParent.valid("")).isFalse();
    assertThat(TraceParent.valid("00-" + ID + "-" + PARENT + "-01-")).as("version 00 has four fields").isFalse();
    assertThat(TraceParent.valid("ff-" + ID + "-" + PARENT + "-01")).as("version ff").isFalse();
    assertThat(TraceParent.valid("00-" + ID.toUpperCase() + "-" + PARENT + "-01")).as("upper case").isFalse();
    assertThat(TraceParent.valid("00-" + "0".repeat(32) + "-" + PARENT + "-01")).as("zero trace id").isFalse();
    assertThat(TraceParent.valid("00-" + ID + "-" + "0".repeat(16) + "-01")).as("zero parent id").isFalse();
    assertThat(TraceParent.valid("00_" + ID + "-" + PARENT + "-01")).isFalse();
    assertThat(TraceParent.valid("00-" + ID + "-" + PARENT + "-0g")).isFalse();
    assertThat(TraceParent.valid("00-" + ID.substring(1) + "-" + PARENT + "-01")).isFalse();
  }

  @Test
  void aChildKeepsTheTraceAndGetsANewSpanId() {
    String c = TraceParent.child(ID, true);
    assertThat(TraceParent.valid(c)).isTrue();
    assertThat(c).startsWith("00-" + ID + "-").endsWith("-01").hasSize(55);
    assertThat(c.substring(36, 52)).isNotEqualTo(TraceParent.child(ID, true).substring(36, 52));
    String fresh = TraceParent.child(null, false);
    assertThat(TraceParent.valid(fresh)).isTrue();
    assertThat(fresh).endsWith("-00");
    assertThat(TraceParent.traceId(fresh)).isNotEqualTo(TraceParent.traceId(TraceParent.child(null, false)));
  }
}
