package io.coderunner.server.internal;

import io.coderunner.metrics.health.Health;
import io.coderunner.metrics.health.HealthIndicator;
import io.coderunner.storage.DurableStorage;
import io.coderunner.storage.StorageStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data directory ({@value #NAME}, critical): DOWN while the disk refuses writes (ingest gets
 * 507 then), DEGRADED while less than {@value #DEGRADED_FREE_PERCENT} % of its volume is free, else
 * UP; the details give the directory, the database's bytes, the volume's free and total bytes and
 * the writes queued. Also binds its gauges: {@code coderunner.storage.database.size}, {@code
 * coderunner.storage.disk.free}, {@code coderunner.storage.disk.total} (bytes), {@code
 * coderunner.storage.writes.pending} and the counter {@code coderunner.storage.lines.written}.
 */
public final class StorageIndicator implements HealthIndicator {
  /** The indicator's name: the {@code component} of its reports. */
  public static final String NAME = "storage";

  /** Below this share of the volume free, the storage is DEGRADED. */
  public static final int DEGRADED_FREE_PERCENT = 10;

  private final DurableStorage storage;

  public StorageIndicator(DurableStorage storage) {
    this.storage = storage;
  }

  /** Registers the storage's gauges and counter in {@code meters}. */
  public void bindTo(MeterRegistry meters) {
    Gauge.builder("coderunner.storage.database.size", storage, s -> s.stats().databaseBytes())
        .description("Bytes of the durable store's database files")
        .baseUnit("bytes")
        .register(meters);
    Gauge.builder("coderunner.storage.disk.free", storage, s -> s.stats().freeBytes())
        .description("Bytes free on the data directory's volume")
        .baseUnit("bytes")
        .register(meters);
    Gauge.builder("coderunner.storage.disk.total", storage, s -> s.stats().totalBytes())
        .description("Size of the data directory's volume")
        .baseUnit("bytes")
        .register(meters);
    Gauge.builder("coderunner.storage.writes.pending", storage, s -> s.stats().pendingWrites())
        .description("Changes queued for the log writer and not yet committed")
        .register(meters);
    FunctionCounter.builder(
            "coderunner.storage.lines.written", storage, s -> s.stats().linesWritten())
        .description("Log lines the writer committed to the durable store")
        .register(meters);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean critical() {
    return true;
  }

  @Override
  public Health check() {
    StorageStats s = storage.stats();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("dataDir", s.dataDir().toString());
    details.put("databaseBytes", s.databaseBytes());
    details.put("freeBytes", s.freeBytes());
    details.put("totalBytes", s.totalBytes());
    details.put("pendingWrites", s.pendingWrites());
    String failure = s.writeFailure();
    if (failure != null) {
      details.put("writeFailure", failure);
      return Health.down("the disk refuses writes; ingest is refused with 507", details);
    }
    if (s.totalBytes() > 0 && s.freeBytes() * 100 < s.totalBytes() * DEGRADED_FREE_PERCENT) {
      return Health.degraded(details);
    }
    return Health.up(details);
  }
}
