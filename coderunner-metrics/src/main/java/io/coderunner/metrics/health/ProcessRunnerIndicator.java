package io.coderunner.metrics.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The process runner ({@value #NAME}, non-critical): UP with the details its supplier gives, such
 * as {@code runner: local} and the number of running deployments. A supplier that throws makes it
 * DOWN (through the registry).
 */
public final class ProcessRunnerIndicator implements HealthIndicator {
  /** The indicator's name: the {@code component} of its reports and gauges. */
  public static final String NAME = "processRunner";

  private final String runner;
  private final Supplier<? extends Map<String, ?>> details;

  private ProcessRunnerIndicator(String runner, Supplier<? extends Map<String, ?>> details) {
    this.runner = runner;
    this.details = details;
  }

  /**
   * Reports {@code runner} and the supplied details.
   *
   * @param runner the kind of runner, e.g. {@code local}
   * @param details more details, read on every check, e.g. {@code running: 3}; a {@code runner}
   *     entry it supplies replaces {@code runner}
   * @return the indicator, named {@value #NAME}
   */
  public static ProcessRunnerIndicator of(
      String runner, Supplier<? extends Map<String, ?>> details) {
    return new ProcessRunnerIndicator(
        Objects.requireNonNull(runner, "runner"), Objects.requireNonNull(details, "details"));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean critical() {
    return false;
  }

  @Override
  public Health check() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("runner", runner);
    out.putAll(details.get());
    return Health.up(out);
  }
}
