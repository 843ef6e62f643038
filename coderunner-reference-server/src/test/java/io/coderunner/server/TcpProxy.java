package io.coderunner.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on a loopback port for tests that need the network between a client and the server to
 * fail on demand: {@link #cut()} drops every open connection as a broken link would, and while
 * {@link #refuse(boolean) refusing}, a new connection is accepted and closed at once.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Object holding = new Object();
  private volatile int targetPort;
  private volatile boolean refusing;
  private final AtomicBoolean cutAtAnswer = new AtomicBoolean();
  private long accepted; // guarded by holding
  private long heldBelow; // guarded by holding: connections numbered below it are held

  /** Listens on a free loopback port; connections are refused until {@link #target} is set. */
  public TcpProxy() {
    try {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::accept, "tcp-proxy-accept-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Forwards new connections to {@code port} on the loopback address. */
  public TcpProxy target(int port) {
    this.targetPort = port;
    return this;
  }

  /** While {@code refuse}, a new connection is closed as soon as it is accepted. */
  public void refuse(boolean refuse) {
    this.refusing = refuse;
  }

  /** Holds every connection open now: what either side sends is not passed on until released. */
  public void hold() {
    synchronized (holding) {
      heldBelow = accepted;
    }
  }

  /** Passes on what held connections had been sent, and everything after it. */
  public void release() {
    synchronized (holding) {
      heldBelow = 0;
      holding.notifyAll();
    }
  }

  /**
   * Cuts the connection that next carries bytes from the server, before passing them on: the server
   * has handled the request, and the client never hears its answer.
   */
  public void cutAtNextAnswer() {
    cutAtAnswer.set(true);
  }

  /** Closes every open connection, both sides, without a goodbye. */
  public void cut() {
    for (Socket s : open) {
      try {
        s.setSoLinger(true, 0); // a reset, as a broken link looks to both ends
      } catch (IOException e) {
        // already closed
      }
      quietlyClose(s);
    }
  }

  @Override
  public void close() {
    quietlyClose(listener);
    cut();
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      int port = targetPort;
      if (refusing || port == 0) {
        quietlyClose(client);
        continue;
      }
      Socket server = new Socket();
      try {
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      } catch (IOException e) {
        quietlyClose(client);
        quietlyClose(server);
        continue;
      }
      long number;
      synchronized (holding) {
        number = accepted++;
      }
      open.add(client);
      open.add(server);
      pump(number, client, server, false);
      pump(number, server, client, true);
    }
  }

  private void pump(long number, Socket from, Socket to, boolean fromServer) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                  awaitRelease(number);
                  if (fromServer && cutAtAnswer.compareAndSet(true, false)) {
                    from.setSoLinger(true, 0);
                    to.setSoLinger(true, 0);
                    break; // both closed below, with a reset
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // cut or closed by a peer: the other pump sees its socket closed next
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                quietlyClose(from);
                quietlyClose(to);
              }
            },
            "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void awaitRelease(long number) throws InterruptedException {
    synchronized (holding) {
      while (number < heldBelow) {
        holding.wait();
      }
    }
  }

  private void quietlyClose(AutoCloseable c) {
    open.remove(c);
    try {
      c.close();
    } catch (Exception e) {
      // already closed
    }
  }
}
