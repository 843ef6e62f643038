package io.coderunner.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Reads a text/event-stream response into events, on the HTTP client's thread. */
final class SseClient implements AutoCloseable {
  record Event(String id, String event, String data) {}

  /** Put on the queue when the stream ends. */
  static final Event EOF = new Event(null, "<eof>", "");

  final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  final List<String> comments = new ArrayList<>();
  final HttpResponse<Stream<String>> response;

  SseClient(HttpClient http, URI uri, String token, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    response = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() == 200) {
      var unused = CompletableFuture.runAsync(this::read);
    }
  }

  private void read() {
    String id = null;
    String event = "message";
    StringBuilder data = new StringBuilder();
    try (Stream<String> lines = response.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            events.add(new Event(id, event, data.toString()));
          }
          id = null;
          event = "message";
          data.setLength(0);
        } else if (line.startsWith(":")) {
          synchronized (comments) {
            comments.add(line);
          }
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
    } catch (RuntimeException e) {
      // the connection closed
    } finally {
      events.add(EOF);
    }
  }

  /** The next event of type {@code name}, skipping others; fails after 10 s. */
  Event next(String name) throws InterruptedException {
    while (true) {
      Event e = events.poll(10, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no '" + name + "' event within 10 s");
      }
      if (e.event().equals(name) || e.equals(EOF)) {
        return e;
      }
    }
  }

  /** The next {@code n} events of type {@code name}. */
  List<Event> next(String name, int n) throws InterruptedException {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(next(name));
    }
    return out;
  }

  /** The body of a refused request (any status but 200), whole. */
  String body() {
    try (Stream<String> lines = response.body()) {
      return lines.collect(java.util.stream.Collectors.joining("\n"));
    }
  }

  /** The value of response header {@code name}, or null. */
  String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  static Duration timeout() {
    return Duration.ofSeconds(10);
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (RuntimeException e) {
      // already closed
    }
  }
}
