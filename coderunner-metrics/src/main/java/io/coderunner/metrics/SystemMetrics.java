package io.coderunner.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JVM, process and host meters: Micrometer's own class loader, memory, GC, thread, processor, file
 * descriptor and uptime binders, plus {@code coderunner.network.received.bytes} and {@code
 * coderunner.network.sent.bytes} read from Linux's {@code /proc/net/dev} (summed over every
 * interface, loopback included, without a per-interface tag). Where {@code /proc/net/dev} does not
 * exist, the network counters are skipped, as Micrometer's binders skip what the platform can't
 * supply.
 *
 * <p>Two of Micrometer's processor meters break Prometheus's naming rules ({@code promtool check
 * metrics} rejects them): {@code system.cpu.count} (a gauge ending in {@code _count}) and {@code
 * process.cpu.time} in nanoseconds (an abbreviated unit). A registry that exports to Prometheus
 * should add {@link #prometheusNaming()} to its filters before binding this.
 *
 * <p><b>Create</b> one with {@link #create()} and {@link #bindTo bind} it to your registry; binding
 * it to several registries gives each its own GC notification listener. Keep the instance: it owns
 * those listeners. <b>Thread-safe</b>. <b>Close</b> it when the registries go away: that stops
 * every GC notification listener; binding after close throws. Closing is idempotent.
 */
public final class SystemMetrics implements MeterBinder, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SystemMetrics.class);

  /** Where Linux reports per-interface network totals. */
  public static final Path PROC_NET_DEV = Path.of("/proc/net/dev");

  private final Path netDev;
  private final List<JvmGcMetrics> gcMetrics = new ArrayList<>(); // guarded by this
  private final AtomicBoolean absentLogged = new AtomicBoolean();
  private final Snapshot<long[]> network;
  private boolean closed; // guarded by this
  private volatile long[] lastNetwork = {0, 0};

  private SystemMetrics(Path netDev) {
    this.netDev = netDev;
    this.network = new Snapshot<>(this::readNetwork, Duration.ofSeconds(1), System::nanoTime);
  }

  /**
   * System meters with network totals from {@link #PROC_NET_DEV}.
   *
   * @return a binder, not yet bound to any registry; close it when done
   */
  public static SystemMetrics create() {
    return create(PROC_NET_DEV);
  }

  /**
   * System meters with network totals from {@code netDev}, in {@code /proc/net/dev} format.
   *
   * @param netDev the file to read, at most once a second; if it is not readable when the binder is
   *     bound, the network counters are skipped, and if a later read fails they keep their last
   *     value
   * @return a binder, not yet bound to any registry; close it when done
   */
  public static SystemMetrics create(Path netDev) {
    return new SystemMetrics(Objects.requireNonNull(netDev, "netDev"));
  }

  /**
   * Keeps Micrometer's system meters within Prometheus's naming rules: renames {@code
   * system.cpu.count} to {@link #SYSTEM_CPU_PROCESSORS} and drops {@code process.cpu.time} in
   * nanoseconds ({@code process.cpu.usage} still reports the process's CPU). Add it with {@code
   * registry.config().meterFilter(...)} before any meter is registered.
   *
   * @return a new filter; it changes no other meter
   */
  public static MeterFilter prometheusNaming() {
    return new MeterFilter() {
      @Override
      public MeterFilterReply accept(Meter.Id id) {
        return id.getName().equals("process.cpu.time") && "ns".equals(id.getBaseUnit())
            ? MeterFilterReply.DENY
            : MeterFilterReply.NEUTRAL;
      }

      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().equals("system.cpu.count") ? id.withName(SYSTEM_CPU_PROCESSORS) : id;
      }
    };
  }

  /** What {@link #prometheusNaming()} calls Micrometer's {@code system.cpu.count}. */
  public static final String SYSTEM_CPU_PROCESSORS = "system.cpu.processors";

  @Override
  public void bindTo(MeterRegistry registry) {
    JvmGcMetrics gc = new JvmGcMetrics();
    synchronized (this) {
      if (closed) {
        gc.close();
        throw new IllegalStateException("SystemMetrics is closed");
      }
      gcMetrics.add(gc);
    }
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    bindNetwork(registry);
  }

  private void bindNetwork(MeterRegistry registry) {
    if (!Files.isReadable(netDev)) {
      if (absentLogged.compareAndSet(false, true)) {
        log.debug("{} is not readable: no network byte counters", netDev);
      }
      return;
    }
    // The registry lives as long as its meters: the counters read the file through this binder.
    FunctionCounter.builder(
            CodeRunnerMetricNames.NETWORK_RECEIVED_BYTES, registry, r -> network.get()[0])
        .baseUnit("bytes")
        .description("Bytes received on all network interfaces")
        .register(registry);
    FunctionCounter.builder(
            CodeRunnerMetricNames.NETWORK_SENT_BYTES, registry, r -> network.get()[1])
        .baseUnit("bytes")
        .description("Bytes sent on all network interfaces")
        .register(registry);
  }

  private long[] readNetwork() {
    try {
      long[] totals = NetDev.totals(Files.readString(netDev, StandardCharsets.US_ASCII));
      lastNetwork = totals;
      return totals;
    } catch (IOException | RuntimeException e) {
      if (absentLogged.compareAndSet(false, true)) {
        log.debug("cannot read {}: network byte counters keep their last value", netDev, e);
      }
      return lastNetwork; // a counter must not fall back to 0
    }
  }

  /** Stops the GC notification listeners of every registry this was bound to. Idempotent. */
  @Override
  public void close() {
    List<JvmGcMetrics> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = List.copyOf(gcMetrics);
      gcMetrics.clear();
    }
    toClose.forEach(JvmGcMetrics::close);
  }
}
