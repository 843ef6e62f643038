package io.coderunner.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.server.internal.AddressRange;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressRangeTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void aRangeHoldsTheAddressesOfItsPrefix() throws Exception {
    AddressRange net = AddressRange.parse("10.1.0.0/16");
    assertThat(net.contains(ip("10.1.255.3"))).isTrue();
    assertThat(net.contains(ip("10.2.0.1"))).isFalse();
    assertThat(net.contains(ip("::1"))).isFalse();
    assertThat(AddressRange.parse("10.1.2.3/16")).hasToString("10.1.0.0/16");
    assertThat(AddressRange.parse("192.0.2.7")).hasToString("192.0.2.7");
    assertThat(AddressRange.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();

    AddressRange v6 = AddressRange.parse("2001:db8::/32");
    assertThat(v6.contains(ip("2001:db8:ffff::1"))).isTrue();
    assertThat(v6.contains(ip("2001:db9::1"))).isFalse();
    assertThat(v6.contains(ip("10.1.0.1"))).isFalse();
  }

  @Test
  void anythingButAnAddressOrARangeIsRefusedByName() {
    for (String bad :
        new String[] {
          "proxy.example",
          "10.0.0",
          "10.0.0.256",
          "010.0.0.1",
          "10.0.0.1/33",
          "::1/129",
          "10.0.0.0/x",
          "",
          "1.2.3.4.5",
          "gggg::1"
        }) {
      assertThatThrownBy(() -> AddressRange.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("trustedProxies");
    }
  }
}
