package dev.bff.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @Test
  void ipv4NetworksContainTheirAddressesOnly() {
    Cidr c = Cidr.parse("10.0.0.0/8");
    assertThat(c.contains("10.0.0.0")).isTrue();
    assertThat(c.contains("10.255.255.255")).isTrue();
    assertThat(c.contains("11.0.0.0")).isFalse();
    assertThat(c.contains("9.255.255.255")).isFalse();
    assertThat(c.toString()).isEqualTo("10.0.0.0/8");
  }

  @Test
  void prefixLengthsThatAreNotByteAlignedAreHonoured() {
    Cidr c = Cidr.parse("192.168.1.0/25");
    assertThat(c.contains("192.168.1.127")).isTrue();
    assertThat(c.contains("192.168.1.128")).isFalse();
    Cidr odd = Cidr.parse("172.16.0.0/12");
    assertThat(odd.contains("172.31.255.255")).isTrue();
    assertThat(odd.contains("172.32.0.0")).isFalse();
  }

  @Test
  void hostBitsInTheNetworkAreIgnored() {
    assertThat(Cidr.parse("10.1.2.3/8").contains("10.200.0.1")).isTrue();
  }

  @Test
  void aBareAddressIsASingleHost() {
    Cidr c = Cidr.parse("127.0.0.1");
    assertThat(c.contains("127.0.0.1")).isTrue();
    assertThat(c.contains("127.0.0.2")).isFalse();
    assertThat(Cidr.parse("10.0.0.1/32").contains("10.0.0.1")).isTrue();
    assertThat(Cidr.parse(" 10.0.0.1 ").contains("10.0.0.1")).isTrue();
  }

  @Test
  void zeroLengthPrefixesContainEveryAddressOfTheirFamily() {
    assertThat(Cidr.parse("0.0.0.0/0").contains("203.0.113.9")).isTrue();
    assertThat(Cidr.parse("::/0").contains("2001:db8::1")).isTrue();
    assertThat(Cidr.parse("::/0").contains("203.0.113.9")).isFalse();
  }

  @Test
  void ipv6NetworksContainTheirAddressesOnly() {
    Cidr c = Cidr.parse("2001:db8::/32");
    assertThat(c.contains("2001:db8:1::5")).isTrue();
    assertThat(c.contains("2001:0db8:ffff:ffff:ffff:ffff:ffff:ffff")).isTrue();
    assertThat(c.contains("2001:db9::1")).isFalse();
    assertThat(c.contains("10.0.0.1")).isFalse();
    Cidr loop = Cidr.parse("::1/128");
    assertThat(loop.contains("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(loop.contains("::2")).isFalse();
    assertThat(Cidr.parse("fd00::/7").contains("fdff::1")).isTrue();
    assertThat(Cidr.parse("fd00::/7").contains("fe00::1")).isFalse();
  }

  @Test
  void bracketsAndZoneIdsAreAccepted() {
    assertThat(Cidr.parse("[::1]").contains("::1")).isTrue();
    assertThat(Cidr.parse("fe80::/10").contains("fe80::1%eth0")).isTrue();
    assertThat(Cidr.parse("fe80::/10").contains("[fe80::1]")).isTrue();
  }

  @Test
  void ipv4MappedIpv6PeersMatchIpv4Networks() {
    Cidr c = Cidr.parse("10.0.0.0/8");
    assertThat(c.contains("::ffff:10.1.2.3")).isTrue();
    assertThat(c.contains("0:0:0:0:0:ffff:a01:203")).isTrue();
    assertThat(c.contains("::ffff:11.1.2.3")).isFalse();
  }

  @Test
  void ipv4MappedIpv6NetworksMatchIpv4AndMappedPeers() {
    Cidr c = Cidr.parse("::ffff:10.0.0.0/104");
    assertThat(c.contains("10.1.2.3")).isTrue();
    assertThat(c.contains("::ffff:10.1.2.3")).isTrue();
    assertThat(c.contains("11.1.2.3")).isFalse();
    assertThat(Cidr.parse("::ffff:10.0.0.1").contains("10.0.0.1")).isTrue();
  }

  @Test
  void addressesThatAreNotNumericNeverMatch() {
    Cidr c = Cidr.parse("0.0.0.0/0");
    assertThat(c.contains("localhost")).isFalse();
    assertThat(c.contains("")).isFalse();
    assertThat(c.contains("unknown")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "example.com", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/x", "10.0.0.0/",
      "::1/129", "1.2.3.4.5", "256.0.0.1", "10", "10.1", "127.1", "10.0.0", "0x7f.0.0.1", "1.2.3.4/8/9", "::g",
      "::ffff:10.0.0.0/64"})
  void invalidInputIsRejected(String text) {
    assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
