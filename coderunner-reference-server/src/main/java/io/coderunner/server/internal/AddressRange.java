package io.coderunner.server.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IP address or a CIDR range of them ({@code 10.0.0.0/8}, {@code fd00::/8}), written as
 * literals: parsing never looks a name up.
 */
public final class AddressRange {
  private final byte[] network;
  private final int prefix;
  private final String text;

  private AddressRange(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /**
   * Parses {@code address} or {@code address/prefix}.
   *
   * @throws IllegalArgumentException naming the text when it is neither
   */
  public static AddressRange parse(String text) {
    Objects.requireNonNull(text, "address range");
    String t = text.trim();
    int slash = t.indexOf('/');
    String host = slash < 0 ? t : t.substring(0, slash);
    byte[] bytes = literal(host);
    if (bytes == null) {
      throw new IllegalArgumentException(
          "trustedProxies entries must be IP addresses or CIDR ranges, was '" + text + "'");
    }
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException(
            "trustedProxies: the prefix of '" + text + "' must be between 0 and " + bits);
      }
    }
    byte[] network = mask(bytes, prefix);
    String canonical;
    try {
      canonical = InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("trustedProxies: bad address '" + text + "'", e);
    }
    return new AddressRange(
        network, prefix, prefix == bits ? canonical.split("/", -1)[0] : canonical);
  }

  /** The bytes of an IP literal, or null when {@code host} is not one. */
  static byte @org.jspecify.annotations.Nullable [] literal(String host) {
    if (host.isEmpty() || host.length() > 45) {
      return null;
    }
    boolean v6 = host.indexOf(':') >= 0;
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || c == '.'
              || (v6 && (c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
      if (!ok) {
        return null;
      }
    }
    if (!v6) {
      return ipv4(host);
    }
    try {
      // with a colon it cannot be a host name, so this parses and never looks anything up
      return InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Four decimal octets, each 0 to 255 without leading zeros, or null. */
  private static byte @org.jspecify.annotations.Nullable [] ipv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
        return null;
      }
      int v = Integer.parseInt(part);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - keep)));
    }
    return out;
  }

  /** Whether {@code address} lies in this range. */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    return a.length == network.length && java.util.Arrays.equals(mask(a, prefix), network);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddressRange r && text.equals(r.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
