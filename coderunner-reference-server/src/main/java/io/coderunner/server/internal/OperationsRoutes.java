package io.coderunner.server.internal;

import io.coderunner.metrics.health.HealthRegistry;
import io.coderunner.metrics.health.HealthReport;
import io.coderunner.server.internal.RouteTable.Access;
import io.coderunner.server.internal.RouteTable.Reply;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** {@code /health} and {@code /metrics}: what operators and probes read. */
public final class OperationsRoutes {
  private final HealthRegistry health;
  private final BooleanSupplier started;
  private final BooleanSupplier draining;
  private final Supplier<String> scrape;

  /**
   * @param started whether the server has started (readiness is DOWN before)
   * @param draining whether it is shutting down (readiness is DOWN then)
   * @param scrape the Prometheus text of the server's meters
   */
  public OperationsRoutes(
      HealthRegistry health,
      BooleanSupplier started,
      BooleanSupplier draining,
      Supplier<String> scrape) {
    this.health = health;
    this.started = started;
    this.draining = draining;
    this.scrape = scrape;
  }

  public void register(RouteTable t) {
    t.json("GET", "/health", Access.PUBLIC, c -> health(health.health()));
    t.json("GET", "/health/live", Access.PUBLIC, c -> health(health.liveness()));
    t.json("GET", "/health/ready", Access.PUBLIC, c -> health(health.readiness(started, draining)));
    // Unauthenticated, like /health: Prometheus scrapes without a token. The text carries no
    // deployment ids or user data, only totals; restrict it at the network if that matters.
    t.raw("GET", "/metrics", Access.PUBLIC, this::metrics);
  }

  /** Spring Boot Actuator's shape: {@code {status, components: {name: {status, details}}}}. */
  private static Reply health(HealthReport report) {
    Map<String, Object> components = new LinkedHashMap<>();
    report
        .components()
        .forEach(
            (name, c) -> {
              Map<String, Object> component = new LinkedHashMap<>();
              component.put("status", c.status().name());
              component.put("details", c.details());
              components.put(name, component);
            });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", report.status().name());
    out.put("components", components);
    return Reply.of(report.httpStatus(), out);
  }

  /** The Prometheus text exposition format that {@code PrometheusMeterRegistry.scrape()} writes. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private void metrics(HttpServerExchange exchange) {
    if (exchange.isInIoThread()) { // reading every meter is work for a worker, not the IO thread
      exchange.dispatch(this::metrics);
      return;
    }
    String text = scrape.get();
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, PROMETHEUS_TEXT);
    exchange.getResponseSender().send(text, StandardCharsets.UTF_8);
  }
}
