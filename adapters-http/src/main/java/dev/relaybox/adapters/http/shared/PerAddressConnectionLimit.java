package dev.relaybox.adapters.http.shared;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the kept-alive connections of one client address at {@code max}, so one client cannot hold every socket. A
 * connection past the cap is turned away: its first request is answered {@code 503} with {@code Retry-After} and the
 * connection closes (see {@link WholeBodyGate}), so it lives for one request at most, under the same request deadline
 * and idle timeout as any other. Closing it at once left the client with a dropped connection and no answer, which a
 * client under load cannot tell from a crash; so did a shorter idle timeout for it, which fired on a saturated node
 * while the request sat unread in the socket. The counts live in a map whose entries disappear when their last
 * connection closes, so it never grows beyond the open connections.
 */
final class PerAddressConnectionLimit implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(PerAddressConnectionLimit.class);
  private final SampledLog refusals = new SampledLog(LOG, Duration.ofSeconds(10));
  private final int max;
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
  // Connections carry no attributes; remember which ones were counted, and which turned away, by identity.
  private final Map<Connection, String> countedConnections = new ConcurrentHashMap<>();
  private final Set<Connection> turnedAway = ConcurrentHashMap.newKeySet();

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
      countedConnections.put(connection, address);
    } else {
      refusals.info("turning away a connection from {} with 503: it already holds {} open connections", address, max);
      turnedAway.add(connection);
    }
  }

  @Override
  public void onClosed(Connection connection) {
    turnedAway.remove(connection);
    String address = countedConnections.remove(connection);
    if (address != null) {
      open.computeIfPresent(address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
  }

  /** True when the connection was opened past its address's cap: its request gets 503, not an answer. */
  boolean turnsAway(Connection connection) {
    return turnedAway.contains(connection);
  }

  int tracked() {
    return open.size();
  }

  int openFrom(String address) {
    AtomicInteger count = open.get(address);
    return count == null ? 0 : count.get();
  }

  private static String address(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : String.valueOf(remote);
  }
}
