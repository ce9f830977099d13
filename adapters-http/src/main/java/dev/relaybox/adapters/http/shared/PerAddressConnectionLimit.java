package dev.relaybox.adapters.http.shared;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a new connection at once when its client address already holds {@code max} open connections, so one
 * client cannot take every socket. The count lives in a map whose entries disappear when their last connection
 * closes, so it never grows beyond the open connections.
 */
final class PerAddressConnectionLimit implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(PerAddressConnectionLimit.class);
  private final SampledLog refusals = new SampledLog(LOG, java.time.Duration.ofSeconds(10));

  private final int max;
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

  PerAddressConnectionLimit(int max) {
    this.max = max;
  }

  @Override
  public void onOpened(Connection connection) {
    String address = address(connection.getEndPoint().getRemoteSocketAddress());
    boolean[] admitted = new boolean[1];
    open.compute(address, (key, count) -> {
      AtomicInteger current = count == null ? new AtomicInteger() : count;
      admitted[0] = current.get() < max;
      if (admitted[0]) {
        current.incrementAndGet();
      }
      return current.get() == 0 ? null : current;
    });
    if (admitted[0]) {
      counted(connection, address);
    } else {
      refusals.info("closing a connection from {}: it already holds {} open connections", address, max);
      connection.getEndPoint().close();
    }
  }

  @Override
  public void onClosed(Connection connection) {
    String address = countedAddress(connection);
    if (address != null) {
      open.computeIfPresent(address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
  }

  int tracked() {
    return open.size();
  }

  int openFrom(String address) {
    AtomicInteger count = open.get(address);
    return count == null ? 0 : count.get();
  }

  // Connections carry no attributes; remember which ones were counted by identity.
  private final java.util.Map<Connection, String> countedConnections = new ConcurrentHashMap<>();

  private void counted(Connection connection, String address) {
    countedConnections.put(connection, address);
  }

  private String countedAddress(Connection connection) {
    return countedConnections.remove(connection);
  }

  private static String address(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : String.valueOf(remote);
  }
}
