package io.coderunner.server.internal;

import io.coderunner.core.follow.ConnectionQuota;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The server's HTTP listener: Undertow's HTTP/1.1 protocol on an XNIO server socket, with a cap on
 * open connections per client address enforced at accept, before a byte is read, and the header and
 * keep-alive timeouts. A connection from a trusted proxy is not capped here (it carries many
 * clients); its requests are capped per forwarded address by the front handler instead.
 */
public final class GuardedListener implements Closeable {
  private final AcceptingChannel<StreamConnection> server;
  private final ConnectionQuota perAddress;
  private final LongAdder refused = new LongAdder();

  private GuardedListener(
      XnioWorker worker,
      InetSocketAddress bind,
      HttpHandler root,
      Duration requestTimeout,
      Duration idleTimeout,
      int maxConnectionsPerAddress,
      ClientAddresses clients)
      throws IOException {
    this.perAddress = ConnectionQuota.perPrincipal(maxConnectionsPerAddress);
    OptionMap undertowOptions =
        OptionMap.builder()
            .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
            .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) requestTimeout.toMillis())
            .set(UndertowOptions.NO_REQUEST_TIMEOUT, (int) idleTimeout.toMillis())
            .getMap();
    HttpOpenListener open =
        new HttpOpenListener(new DefaultByteBufferPool(true, 16 * 1024, -1, 4), undertowOptions);
    open.setRootHandler(root);
    ChannelListener<StreamConnection> guarded =
        connection -> {
          InetAddress peer = peer(connection);
          if (peer == null || clients.isTrusted(peer)) {
            open.handleEvent(connection);
            return;
          }
          String key = peer.getHostAddress();
          if (perAddress.admit(key) != ConnectionQuota.Admission.ADMITTED) {
            refused.increment();
            IoUtils.safeClose(connection);
            return;
          }
          open.handleEvent(connection);
          // Undertow set its own close listener on open; ours runs first, then hands on to it. The
          // connection may already have closed on its own I/O thread, so release exactly once.
          AtomicBoolean released = new AtomicBoolean();
          Runnable release =
              () -> {
                if (released.compareAndSet(false, true)) {
                  perAddress.release(key);
                }
              };
          ChannelListener<? super StreamConnection> undertows = connection.getCloseListener();
          connection.setCloseListener(
              c -> {
                release.run();
                ChannelListeners.invokeChannelListener(c, undertows);
              });
          if (!connection.isOpen()) {
            release.run();
          }
        };
    OptionMap socketOptions =
        OptionMap.builder()
            .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
            .set(Options.TCP_NODELAY, true)
            .set(Options.REUSE_ADDRESSES, true)
            .set(Options.BALANCING_TOKENS, 1)
            .set(Options.BALANCING_CONNECTIONS, 2)
            .set(Options.BACKLOG, 1000)
            .getMap();
    this.server =
        worker.createStreamConnectionServer(
            bind, ChannelListeners.openListenerAdapter(guarded), socketOptions);
    server.resumeAccepts();
  }

  /**
   * Listens on {@code bind} with Undertow's HTTP/1.1 protocol, handing requests to {@code root}.
   */
  public static GuardedListener open(
      XnioWorker worker,
      InetSocketAddress bind,
      HttpHandler root,
      Duration requestTimeout,
      Duration idleTimeout,
      int maxConnectionsPerAddress,
      ClientAddresses clients)
      throws IOException {
    return new GuardedListener(
        worker, bind, root, requestTimeout, idleTimeout, maxConnectionsPerAddress, clients);
  }

  private static @org.jspecify.annotations.Nullable InetAddress peer(StreamConnection c) {
    return c.getPeerAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalAddress();
  }

  /** Connections closed at accept because their address had as many open as it may. */
  public long refused() {
    return refused.sum();
  }

  /** Open connections, not counting those of trusted proxies. */
  public int openConnections() {
    return perAddress.total();
  }

  /** Stops accepting; open connections stay until the worker closes them. */
  @Override
  public void close() {
    IoUtils.safeClose(server);
  }
}
