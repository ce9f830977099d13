package dev.relaybox.bench.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between the jars and PostgreSQL that can cut every connection at once, as a network partition or a
 * dying pooler would: sockets are reset with no goodbye, so transactions in flight (including COMMITs) break on the
 * client side while the server finds out later. New connections are accepted again at once.
 */
public final class TcpChaosProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong cut = new AtomicLong();
  private final Thread acceptor;

  public TcpChaosProxy(int port, int upstreamPort) throws IOException {
    listener = new ServerSocket(port, 512, InetAddress.getLoopbackAddress());
    upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
    acceptor = Thread.ofPlatform().name("chaos-proxy").daemon().start(this::acceptLoop);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        try {
          server.connect(upstream, 2000);
        } catch (IOException e) {
          client.close(); // PostgreSQL is down: refuse as it would
          continue;
        }
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        open.add(client);
        open.add(server);
        Thread.startVirtualThread(() -> pump(client, server));
        Thread.startVirtualThread(() -> pump(server, client));
      } catch (IOException e) {
        if (listener.isClosed()) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // cut, or the other side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** Resets every proxied connection now; returns how many connections were cut. */
  public int cutAll() {
    int n = 0;
    for (Socket s : Set.copyOf(open)) {
      try {
        s.setSoLinger(true, 0); // RST, not FIN: the peer sees "connection reset" mid-statement
      } catch (IOException ignored) {
        // already closed
      }
      closeQuietly(s);
      n++;
    }
    cut.addAndGet(n / 2);
    return n / 2;
  }

  public long connectionsCut() {
    return cut.get();
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    cutAll();
  }
}
