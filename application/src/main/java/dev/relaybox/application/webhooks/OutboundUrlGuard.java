package dev.relaybox.application.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks every URL a caller hands Relaybox (callback URLs, webhook endpoints) before anything is sent to it: http(s)
 * only, no credentials in the URL, and a host whose every resolved address is public. Loopback, private, link-local,
 * carrier-grade NAT, unique-local, multicast and cloud metadata addresses are refused unless private URLs are allowed
 * (tests and single-machine demos). Check again right before each send: DNS may answer differently later.
 */
public final class OutboundUrlGuard {

  /** Resolves a host name; injected so tests can answer without DNS. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  /** Why a URL was refused, in words fit for a 4xx problem detail. */
  public static final class RefusedUrlException extends Exception {
    public RefusedUrlException(String message) {
      super(message);
    }
  }

  private static final int MAX_LENGTH = 2048;

  private final boolean allowPrivate;
  private final Resolver resolver;

  public OutboundUrlGuard(boolean allowPrivate, Resolver resolver) {
    this.allowPrivate = allowPrivate;
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  public static OutboundUrlGuard usingDns(boolean allowPrivate) {
    return new OutboundUrlGuard(allowPrivate, host -> List.of(InetAddress.getAllByName(host)));
  }

  /** Parses and checks {@code url}, resolving its host. @return the URL to send to */
  public URI check(String url) throws RefusedUrlException {
    URI uri = parse(url);
    String host = uri.getHost();
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new RefusedUrlException("the host of the URL does not resolve");
    }
    if (addresses.isEmpty()) {
      throw new RefusedUrlException("the host of the URL does not resolve");
    }
    if (!allowPrivate) {
      for (InetAddress address : addresses) {
        if (!isPublic(address)) {
          throw new RefusedUrlException("the URL points to a loopback, private or link-local address");
        }
      }
    }
    return uri;
  }

  /** The checks that need no DNS: scheme, host, no user info, length. */
  public static URI parse(String url) throws RefusedUrlException {
    if (url == null || url.isBlank()) {
      throw new RefusedUrlException("the URL is empty");
    }
    if (url.length() > MAX_LENGTH) {
      throw new RefusedUrlException("the URL is longer than " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new RefusedUrlException("the URL is not valid");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new RefusedUrlException("the URL must start with http:// or https://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new RefusedUrlException("the URL has no host");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65_535) {
      // java.net.URI takes any digits as a port; the send would fail on every attempt instead of the request now
      throw new RefusedUrlException("the URL's port must be between 1 and 65535");
    }
    if (uri.getRawUserInfo() != null) {
      throw new RefusedUrlException("the URL must not carry a user name or password");
    }
    if (uri.getRawFragment() != null) {
      throw new RefusedUrlException("the URL must not carry a fragment");
    }
    return uri;
  }

  static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return !(first == 0                                   // "this network"
          || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT
          || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
          || (first == 198 && (second == 18 || second == 19))    // benchmarking
          || first >= 240);                                 // reserved and broadcast
    }
    if (address instanceof Inet6Address) {
      int first = b[0] & 0xff;
      if ((first & 0xfe) == 0xfc) {                         // unique local fc00::/7
        return false;
      }
      byte[] embedded = embeddedIpv4(b);
      if (embedded != null) {                               // reaches the IPv4 address it embeds
        try {
          return isPublic(InetAddress.getByAddress(embedded));
        } catch (UnknownHostException e) {
          return false;
        }
      }
      if (first == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
        return false;                                       // local-use NAT64 64:ff9b:1::/48 and the rest of 64:ff9b::/32
      }
      return !(first == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8); // 2001:db8::/32
    }
    return false;
  }

  /**
   * The IPv4 address an IPv6 address carries to the same host, or null: IPv4-mapped {@code ::ffff:a.b.c.d},
   * IPv4-compatible {@code ::a.b.c.d}, NAT64 well-known prefix {@code 64:ff9b::/96} and 6to4 {@code 2002:ab:cd::/16}.
   */
  private static byte[] embeddedIpv4(byte[] b) {
    if (zeros(b, 0, 10) && (((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) || (b[10] == 0 && b[11] == 0))) {
      return new byte[] {b[12], b[13], b[14], b[15]};
    }
    if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zeros(b, 4, 12)) {
      return new byte[] {b[12], b[13], b[14], b[15]};
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return new byte[] {b[2], b[3], b[4], b[5]};
    }
    return null;
  }

  private static boolean zeros(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
