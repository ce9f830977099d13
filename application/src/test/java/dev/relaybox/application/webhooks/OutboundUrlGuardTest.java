package dev.relaybox.application.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundUrlGuardTest {

  private static OutboundUrlGuard resolvingTo(boolean allowPrivate, String address) {
    return new OutboundUrlGuard(allowPrivate, host -> List.of(InetAddress.getByName(address)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1",
      "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "224.0.0.1", "255.255.255.255"})
  void refusesHostsThatResolveToNonPublicAddresses(String address) {
    var guard = resolvingTo(false, address);
    assertThrows(OutboundUrlGuard.RefusedUrlException.class, () -> guard.check("https://hooks.example.com/x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://[::127.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/",
      "http://[::10.0.0.1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:c0a8:101::1]/", "http://[64:ff9b:1::7f00:1]/"})
  void refusesIpv6AddressesThatEmbedARefusedIpv4Address(String url) {
    var guard = OutboundUrlGuard.usingDns(false);
    assertThrows(OutboundUrlGuard.RefusedUrlException.class, () -> guard.check(url));
  }

  @ParameterizedTest
  @ValueSource(strings = {"64:ff9b::5db8:d822", "2002:5db8:d822::1"})
  void acceptsIpv6AddressesThatEmbedAPublicIpv4Address(String address) throws Exception {
    assertEquals("hooks.example.com", resolvingTo(false, address).check("https://hooks.example.com/x").getHost());
  }

  @Test
  void acceptsPublicAddresses() throws Exception {
    assertEquals("hooks.example.com", resolvingTo(false, "93.184.216.34").check("https://hooks.example.com/x").getHost());
    assertEquals("hooks.example.com", resolvingTo(false, "2606:2800:220:1::1").check("http://hooks.example.com").getHost());
  }

  @Test
  void refusesWhenAnyResolvedAddressIsPrivate() {
    var guard = new OutboundUrlGuard(false, host -> List.of(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.1")));
    assertThrows(OutboundUrlGuard.RefusedUrlException.class, () -> guard.check("https://hooks.example.com/x"));
  }

  @Test
  void allowsPrivateAddressesOnlyWhenConfigured() throws Exception {
    assertEquals(8080, resolvingTo(true, "127.0.0.1").check("http://127.0.0.1:8080/cb").getPort());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ftp://example.com/x", "file:///etc/passwd", "gopher://x", "javascript:alert(1)",
      "https://user:pass@example.com/", "https:///nohost", "http://exa mple.com/", "https://example.com/#frag", "example.com",
      "http://example.com:99999/x", "http://example.com:0/x"})
  void refusesUrlsThatAreNotPlainHttp(String url) {
    var guard = resolvingTo(true, "93.184.216.34");
    assertThrows(OutboundUrlGuard.RefusedUrlException.class, () -> guard.check(url));
  }

  @Test
  void refusesHostsThatDoNotResolve() {
    var guard = new OutboundUrlGuard(false, host -> {
      throw new UnknownHostException(host);
    });
    assertThrows(OutboundUrlGuard.RefusedUrlException.class, () -> guard.check("https://nowhere.invalid/"));
  }
}
