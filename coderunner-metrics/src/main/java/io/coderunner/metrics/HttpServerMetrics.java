package io.coderunner.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code coderunner.http.server.requests} timer: one call of {@link #record} per request a
 * server answered, tagged with its method, the route <em>template</em> that matched (e.g. {@code
 * /api/deployments/{id}}, never the raw path), its status and outcome. Methods outside the standard
 * set are tagged {@code OTHER}, and a request that matched no route {@link
 * CodeRunnerMetricNames#UNKNOWN_ROUTE}, so no client can grow the number of time series.
 *
 * <p><b>Create</b> one per server and registry with {@link #create(MeterRegistry)} and share it
 * between the server's threads: it is <b>thread-safe</b>. It holds no resource; there is nothing to
 * <b>close</b>.
 */
public final class HttpServerMetrics {
  static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

  private final MeterRegistry registry;

  private HttpServerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Records requests into {@code registry}.
   *
   * @param registry the registry the timer's series are registered in as requests are recorded
   * @return a recorder for one server
   */
  public static HttpServerMetrics create(MeterRegistry registry) {
    return new HttpServerMetrics(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * Records one answered request.
   *
   * @param method the request's method
   * @param route the route template that matched, or {@link CodeRunnerMetricNames#UNKNOWN_ROUTE}
   * @param status the response status code
   * @param duration from the request's start to its response's end
   */
  public void record(String method, String route, int status, Duration duration) {
    String m = method.toUpperCase(Locale.ROOT);
    Timer.builder(CodeRunnerMetricNames.HTTP_SERVER_REQUESTS)
        .description("HTTP requests served, by route template")
        .tags(
            Tags.of(
                CodeRunnerMetricNames.TAG_METHOD,
                METHODS.contains(m) ? m : "OTHER",
                CodeRunnerMetricNames.TAG_ROUTE,
                route,
                CodeRunnerMetricNames.TAG_STATUS,
                Integer.toString(status),
                CodeRunnerMetricNames.TAG_OUTCOME,
                Outcome.forStatus(status).name()))
        .register(registry)
        .record(duration);
  }
}
