/**
 * Live delivery of logs to followers, seen from the outside: {@link
 * io.coderunner.core.delivery.DeliveryStats}, the totals a transport (such as the WebSocket
 * broadcaster) reports; {@link io.coderunner.core.delivery.DeliveryStatsSource}, the SPI through
 * which metrics read them without depending on the transport; and {@link
 * io.coderunner.core.delivery.DeliveryListener}, told of each live delivery and each resume as it
 * happens.
 */
@NullMarked
package io.coderunner.core.delivery;

import org.jspecify.annotations.NullMarked;
