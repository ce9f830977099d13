package dev.relaybox.adapters.http.shared;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections of one client address at {@code max}, so one client cannot hold every socket. A connection
 * past the cap is turned away: its first request is answered {@code 503} with {@code Retry-After} and the connection
 * closes (see {@link WholeBodyGate}), under the same request deadline and idle timeout as any other. Another
 * {@code max} connections may be turned away at once; past that a new connection is closed at once, unanswered, so one
 * address holds at most twice {@code max} sockets and cannot take the process's file descriptors.
 *
 * <p>Why not close every connection past the cap at once: the client got a dropped connection and no answer, which a
 * client under load cannot tell from a crash. Why not a short idle timeout for turned-away connections instead of the
 * second allowance: it fired on a saturated node while the request sat unread in the socket, which again dropped it.
 * The counts live in a map whose entries disappear when their address's last connection closes, so it never grows
 * beyond the open connections.
 */
final class PerAddressConnectionLimit implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(PerAddressConnectionLimit.class);

  private enum Admission { SERVED, TURNED_AWAY, CLOSED }

  /** Connections of one address: served ones and turned-away ones. Changed only inside the map's compute. */
  private record Held(int served, int turnedAway) {
    boolean none() {
      return served == 0 && turnedAway == 0;
    }
  }

  private record Counted(String address, Admission admission) {}

  private final SampledLog turnedAwayLog = new SampledLog(LOG, Duration.ofSeconds(10));
  private final SampledLog closedLog = new SampledLog(LOG, Duration.ofSeconds(10));
  private final int max;
  private final ConcurrentHashMap<String, Held> open = new ConcurrentHashMap<>();
  // Connections carry no attributes; remember how each was counted by identity.
  private final Map<Connection, Counted> counted = new ConcurrentHashMap<>();

  PerAddressConnectionLimit(int max) {
    this.max = max;
  }

  @Override
  public void onOpened(Connection connection) {
    String address = address(connection.getEndPoint().getRemoteSocketAddress());
    Admission[] admission = new Admission[1];
    open.compute(address, (key, held) -> {
      Held now = held == null ? new Held(0, 0) : held;
      if (now.served() < max) {
        admission[0] = Admission.SERVED;
        return new Held(now.served() + 1, now.turnedAway());
      }
      if (now.turnedAway() < max) {
        admission[0] = Admission.TURNED_AWAY;
        return new Held(now.served(), now.turnedAway() + 1);
      }
      admission[0] = Admission.CLOSED;
      return now.none() ? null : now;
    });
    switch (admission[0]) {
      case SERVED -> counted.put(connection, new Counted(address, Admission.SERVED));
      case TURNED_AWAY -> {
        turnedAwayLog.info("turning away a connection from {} with 503: it already holds {} open connections", address, max);
        counted.put(connection, new Counted(address, Admission.TURNED_AWAY));
      }
      case CLOSED -> {
        closedLog.info("closing a connection from {} unanswered: it already holds {} open connections and {} turned away",
            address, max, max);
        connection.getEndPoint().close();
      }
    }
  }

  @Override
  public void onClosed(Connection connection) {
    Counted was = counted.remove(connection);
    if (was == null) {
      return;
    }
    open.computeIfPresent(was.address(), (key, held) -> {
      Held now = was.admission() == Admission.SERVED
          ? new Held(held.served() - 1, held.turnedAway())
          : new Held(held.served(), held.turnedAway() - 1);
      return now.none() ? null : now;
    });
  }

  /** True when the connection was opened past its address's cap: its request gets 503, not an answer. */
  boolean turnsAway(Connection connection) {
    Counted was = counted.get(connection);
    return was != null && was.admission() == Admission.TURNED_AWAY;
  }

  /** Connections from {@code address} served now (turned-away ones not included). */
  int openFrom(String address) {
    Held held = open.get(address);
    return held == null ? 0 : held.served();
  }

  /** Connections from {@code address} held now, served and turned away. */
  int heldFrom(String address) {
    Held held = open.get(address);
    return held == null ? 0 : held.served() + held.turnedAway();
  }

  private static String address(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : String.valueOf(remote);
  }
}
