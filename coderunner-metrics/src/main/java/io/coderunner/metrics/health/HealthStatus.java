package io.coderunner.metrics.health;

/** The state of one component or of a whole report. There is no "unknown". */
public enum HealthStatus {
  /** Works as intended. */
  UP(1.0),
  /** Works, with reduced capacity or quality; not a reason to stop traffic. */
  DEGRADED(0.5),
  /** Does not work. A critical component DOWN makes the report DOWN. */
  DOWN(0.0);

  private final double gaugeValue;

  HealthStatus(double gaugeValue) {
    this.gaugeValue = gaugeValue;
  }

  /**
   * The value of the {@code coderunner.health.status} gauge: 1 UP, 0.5 DEGRADED, 0 DOWN.
   *
   * @return 1.0, 0.5 or 0.0
   */
  public double gaugeValue() {
    return gaugeValue;
  }

  /**
   * The worse of this and {@code other}, DOWN being worse than DEGRADED, and DEGRADED than UP.
   *
   * @param other the status to compare with
   * @return this status or {@code other}, whichever is worse
   */
  public HealthStatus worst(HealthStatus other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
