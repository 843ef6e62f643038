package io.coderunner.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.Principal;
import java.net.URI;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;

/** A JDK WebSocket's listener that keeps every text frame, whole, and the close code. */
final class WsFrames implements WebSocket.Listener {
  final List<String> received = new CopyOnWriteArrayList<>();
  final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder(); // only the listener thread uses it

  /** Opens {@code /ws} of {@code t} authenticated as {@code as} by a bearer header. */
  static WebSocket open(TestServer t, Principal as, WsFrames frames)
      throws InterruptedException, ExecutionException, TimeoutException {
    return t.http
        .newWebSocketBuilder()
        .header("Authorization", "Bearer " + t.token(as))
        .buildAsync(URI.create("ws://127.0.0.1:" + t.server.port() + "/ws"), frames)
        .get(10, TimeUnit.SECONDS);
  }

  /** Opens {@code ws} with {@code token} as a bearer header, on a server outside this JVM. */
  static WebSocket open(java.net.http.HttpClient http, URI ws, String token, WsFrames frames)
      throws InterruptedException, ExecutionException, TimeoutException {
    return http.newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .buildAsync(ws, frames)
        .get(10, TimeUnit.SECONDS);
  }

  /** Sends {@code text} as one frame and waits until it is sent. */
  static void send(WebSocket ws, String text)
      throws InterruptedException, ExecutionException, TimeoutException {
    ws.sendText(text, true).get(10, TimeUnit.SECONDS);
  }

  @Override
  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      received.add(partial.toString());
      partial.setLength(0);
    }
    w.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
    closeCode.complete(code);
    return null;
  }

  /** Waits until a frame containing {@code fragment} arrived. */
  void await(String fragment) {
    Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(
            () ->
                assertThat(received)
                    .as("frames received, one containing %s", fragment)
                    .anyMatch(f -> f.contains(fragment)));
  }
}
