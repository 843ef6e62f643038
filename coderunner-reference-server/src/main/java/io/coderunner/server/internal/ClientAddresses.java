package io.coderunner.server.internal;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderValues;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who the client of a request is: the socket's peer, or, when the peer is a trusted proxy, the
 * address its {@code Forwarded} (RFC 7239) or else {@code X-Forwarded-For} header names. The chain
 * is read from the right, skipping trusted proxies, so a client cannot forge its address by sending
 * the header itself: only what trusted hops appended counts. Per-address limits (connections,
 * logins) key on this address.
 */
public final class ClientAddresses {
  private static final AttachmentKey<String> CLIENT = AttachmentKey.create(String.class);

  private final List<AddressRange> trusted;

  public ClientAddresses(Set<String> trustedProxies) {
    List<AddressRange> ranges = new ArrayList<>();
    trustedProxies.forEach(p -> ranges.add(AddressRange.parse(p)));
    this.trusted = List.copyOf(ranges);
  }

  /** Whether {@code address} is one of the trusted proxies. */
  public boolean isTrusted(@Nullable InetAddress address) {
    if (address == null) {
      return false;
    }
    for (AddressRange r : trusted) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the request came straight from a trusted proxy. */
  public boolean viaProxy(HttpServerExchange exchange) {
    return !trusted.isEmpty() && isTrusted(peer(exchange));
  }

  /** The client's address as text, computed once per request. */
  public String of(HttpServerExchange exchange) {
    String known = exchange.getAttachment(CLIENT);
    if (known != null) {
      return known;
    }
    InetAddress peer = peer(exchange);
    String client = peer == null ? "unknown" : peer.getHostAddress();
    if (!trusted.isEmpty() && isTrusted(peer)) {
      List<String> chain = forwardedChain(exchange);
      for (int i = chain.size() - 1; i >= 0; i--) {
        InetAddress hop = parse(chain.get(i));
        if (hop == null) {
          break; // an obfuscated or malformed hop: the last trusted proxy is all we know
        }
        client = hop.getHostAddress();
        if (!isTrusted(hop)) {
          break;
        }
      }
    }
    exchange.putAttachment(CLIENT, client);
    return client;
  }

  private static @Nullable InetAddress peer(HttpServerExchange exchange) {
    InetSocketAddress source = exchange.getSourceAddress();
    return source == null ? null : source.getAddress();
  }

  /** The {@code for} hops of {@code Forwarded}, or else of {@code X-Forwarded-For}, in order. */
  static List<String> forwardedChain(HttpServerExchange exchange) {
    List<String> hops = new ArrayList<>();
    HeaderValues forwarded = exchange.getRequestHeaders().get("Forwarded");
    if (forwarded != null) {
      for (String header : forwarded) {
        for (String element : header.split(",", -1)) {
          String hop = "";
          for (String pair : element.split(";", -1)) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
              hop = pair.substring(eq + 1).trim();
            }
          }
          hops.add(hop);
        }
      }
      return hops;
    }
    HeaderValues xff = exchange.getRequestHeaders().get("X-Forwarded-For");
    if (xff != null) {
      for (String header : xff) {
        for (String hop : header.split(",", -1)) {
          hops.add(hop.trim());
        }
      }
    }
    return hops;
  }

  /** A hop as an address: {@code 192.0.2.1}, {@code 192.0.2.1:80}, {@code "[2001:db8::1]:80"}. */
  static @Nullable InetAddress parse(String hop) {
    String h = hop;
    if (h.length() >= 2 && h.startsWith("\"") && h.endsWith("\"")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      if (close < 0) {
        return null;
      }
      h = h.substring(1, close);
    } else if (h.indexOf(':') == h.lastIndexOf(':') && h.indexOf(':') > 0) {
      h = h.substring(0, h.indexOf(':')); // IPv4 with a port
    }
    byte[] bytes = AddressRange.literal(h);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
