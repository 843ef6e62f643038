package io.coderunner.core.delivery;

/**
 * Something that delivers logs live and reports its {@link DeliveryStats}: the SPI where a
 * transport and the metrics meet without depending on each other. Implementations are thread-safe,
 * and a call is cheap enough for a scrape.
 */
@FunctionalInterface
public interface DeliveryStatsSource {
  /**
   * The totals now.
   *
   * @return a snapshot of the delivery's totals
   */
  DeliveryStats deliveryStats();
}
