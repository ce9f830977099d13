package dev.relaybox.adapters.persistence.shared;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy in front of PostgreSQL that, once armed, forwards the next COMMIT to the server and then cuts the
 * client's connection before the answer comes back: the transaction commits, and the client cannot know it. This is
 * the "connection lost during COMMIT" case group commit must resolve. It can also hold new connections back (accepted,
 * not yet forwarded) until released, so a test can act on the server before the client's next connection reaches it.
 */
final class CommitDroppingProxy implements AutoCloseable {
  private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^:/]+):(\\d+)/");
  private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket listener;
  private final String serverHost;
  private final int serverPort;
  private final AtomicBoolean armed = new AtomicBoolean();
  private final AtomicBoolean dropped = new AtomicBoolean();
  private volatile CountDownLatch newConnections = new CountDownLatch(0);

  private CommitDroppingProxy(String serverHost, int serverPort) throws IOException {
    this.serverHost = serverHost;
    this.serverPort = serverPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("commit-dropping-proxy").start(this::accept);
  }

  /** A proxy in front of the server that {@code jdbcUrl} names. */
  static CommitDroppingProxy to(String jdbcUrl) throws IOException {
    Matcher m = HOST_PORT.matcher(jdbcUrl);
    if (!m.find()) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL with host and port");
    }
    return new CommitDroppingProxy(m.group(1), Integer.parseInt(m.group(2)));
  }

  /** {@code jdbcUrl} pointed at this proxy. */
  JdbcTarget target(JdbcTarget through) {
    String url = HOST_PORT.matcher(through.jdbcUrl())
        .replaceFirst("jdbc:postgresql://127.0.0.1:" + listener.getLocalPort() + "/");
    return new JdbcTarget(url, through.user(), through.password());
  }

  void dropTheNextCommitAnswer() {
    armed.set(true);
  }

  boolean droppedAnAnswer() {
    return dropped.get();
  }

  /** Connections accepted from now on wait, unforwarded, until {@link #releaseNewConnections()}. */
  void holdNewConnections() {
    newConnections = new CountDownLatch(1);
  }

  void releaseNewConnections() {
    newConnections.countDown();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        CountDownLatch gate = newConnections;
        Thread.ofVirtual().start(() -> forwardWhenLetThrough(client, gate));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void forwardWhenLetThrough(Socket client, CountDownLatch gate) {
    try {
      gate.await();
      Socket server = new Socket(serverHost, serverPort);
      Thread.ofVirtual().start(() -> clientToServer(client, server));
      Thread.ofVirtual().start(() -> pump(server, client));
    } catch (IOException | InterruptedException e) {
      try {
        client.close();
      } catch (IOException ignored) {
        // the client is gone either way
      }
    }
  }

  private void clientToServer(Socket client, Socket server) {
    byte[] buffer = new byte[64 * 1024];
    try (client; server; InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
      // The word may arrive split across two reads: look at the end of the previous read and this one together.
      byte[] seen = new byte[COMMIT.length - 1 + buffer.length];
      int carried = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        out.flush();
        System.arraycopy(buffer, 0, seen, carried, n);
        int length = carried + n;
        boolean sawCommit = contains(seen, length, COMMIT);
        carried = Math.min(COMMIT.length - 1, length);
        System.arraycopy(seen, length - carried, seen, 0, carried);
        if (sawCommit && armed.compareAndSet(true, false)) {
          client.close();
          dropped.set(true);
          Thread.sleep(1_000); // let the server run the COMMIT before it sees the connection end
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // one side went away; closing both is all there is to do
    }
  }

  private static void pump(Socket from, Socket to) {
    byte[] buffer = new byte[64 * 1024];
    try (from; to; InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away
    }
  }

  private static boolean contains(byte[] buffer, int length, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (buffer[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
