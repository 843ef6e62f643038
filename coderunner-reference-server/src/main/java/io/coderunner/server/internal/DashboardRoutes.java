package io.coderunner.server.internal;

import io.coderunner.server.internal.RouteTable.Access;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.PathTemplateMatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The dashboard: its page at {@code /} and at {@code /deployments/{id}} (the log view's own URL),
 * and its assets under {@code /assets/<hash>/}, where the hash is of every asset's name and bytes.
 * The page is sent with {@code no-cache} and names the assets by that hash, so a browser caches an
 * asset for a year and still never runs a stale one after an upgrade. Assets are read from the
 * class path once, and sent gzipped to a client that accepts it.
 */
public final class DashboardRoutes {
  /** Every asset, by name; {@code DashboardAssetsIT} checks this against the directory. */
  public static final List<String> ASSETS =
      List.of(
          "app.css",
          "app.js",
          "api.js",
          "session.js",
          "live.js",
          "list.js",
          "logview.js",
          "terminal.js",
          "toast.js");

  /** The page's policy: its own scripts, styles and connections only, nothing inline. */
  static final String PAGE_CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  private static final String BASE = "/io/coderunner/server/dashboard/";
  private static final HttpString CSP = new HttpString("Content-Security-Policy");
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";

  private final String hash;
  private final byte[] page;
  private final Map<String, Asset> assets = new LinkedHashMap<>();

  /** An asset's bytes, plain and gzipped, as read-only buffers each response duplicates. */
  private record Asset(String contentType, ByteBuffer bytes, ByteBuffer gzipped) {}

  /**
   * Reads the page and the assets.
   *
   * @throws IllegalStateException if one is missing from the class path
   */
  public DashboardRoutes() {
    MessageDigest digest = sha256();
    for (String name : ASSETS) {
      byte[] bytes = read("assets/" + name);
      digest.update(name.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(bytes);
      assets.put(
          name,
          new Asset(
              contentType(name),
              ByteBuffer.wrap(bytes).asReadOnlyBuffer(),
              ByteBuffer.wrap(gzip(bytes)).asReadOnlyBuffer()));
    }
    this.hash = HexFormat.of().formatHex(digest.digest(), 0, 8);
    this.page =
        new String(read("index.html"), StandardCharsets.UTF_8)
            .replace("{{hash}}", hash)
            .getBytes(StandardCharsets.UTF_8);
  }

  /** The hash the page names its assets by. */
  public String hash() {
    return hash;
  }

  /** Bytes of every asset gzipped, as a client that accepts gzip downloads them. */
  public long gzippedBytes() {
    return assets.values().stream().mapToLong(a -> a.gzipped().remaining()).sum();
  }

  public void register(RouteTable t) {
    t.raw("GET", "/", Access.PUBLIC, this::page);
    t.raw("GET", "/deployments/{id}", Access.PUBLIC, this::page);
    t.raw("GET", "/assets/{hash}/{file}", Access.PUBLIC, this::asset);
  }

  private void page(HttpServerExchange exchange) {
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    exchange.getResponseHeaders().put(CSP, PAGE_CSP);
    exchange.getResponseSender().send(ByteBuffer.wrap(page));
  }

  private void asset(HttpServerExchange exchange) {
    PathTemplateMatch params = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
    String h = params == null ? "" : params.getParameters().getOrDefault("hash", "");
    String file = params == null ? "" : params.getParameters().getOrDefault("file", "");
    Asset a = assets.get(file);
    if (!h.equals(hash) || a == null) {
      Http.sendProblem(
          exchange,
          ApiException.notFound(
              "no asset " + file + " of this version; reload the page for the current one"));
      return;
    }
    var headers = exchange.getResponseHeaders();
    headers.put(Headers.CONTENT_TYPE, a.contentType());
    headers.put(Headers.CACHE_CONTROL, IMMUTABLE);
    headers.add(Headers.VARY, "Accept-Encoding");
    String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT_ENCODING);
    if (accept != null && accept.toLowerCase(Locale.ROOT).contains("gzip")) {
      headers.put(Headers.CONTENT_ENCODING, "gzip");
      exchange.getResponseSender().send(a.gzipped().duplicate());
    } else {
      exchange.getResponseSender().send(a.bytes().duplicate());
    }
  }

  private static String contentType(String name) {
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    throw new IllegalStateException("no content type for " + name);
  }

  private static byte[] read(String name) {
    try (InputStream in = DashboardRoutes.class.getResourceAsStream(BASE + name)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard's " + name + " is not on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
