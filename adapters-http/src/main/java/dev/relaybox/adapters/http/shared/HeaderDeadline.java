package dev.relaybox.adapters.http.shared;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request line and headers have not all arrived within {@code deadline} of the first
 * header byte. Jetty's idle timeout only fires when no byte arrives at all, so a client trickling one header byte a
 * second would otherwise hold its socket forever; {@link WholeBodyGate} covers the body once the headers are in.
 * Blank lines between requests count too: the parser skips them without leaving its start state, and a client that
 * sent one every few seconds held an idle connection past every timeout (against the node's connection limit, a few
 * thousand such connections locked every other client out).
 * Each connection is looked at a few times per deadline while it is open, so the cut comes within about 1.25 times
 * the deadline.
 */
final class HeaderDeadline implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);
  private final SampledLog cuts = new SampledLog(LOG, Duration.ofSeconds(10));
  private final long deadlineNanos;
  private final long checkEveryNanos;

  HeaderDeadline(Duration deadline) {
    this.deadlineNanos = deadline.toNanos();
    this.checkEveryNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(50), deadlineNanos / 4);
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      new Watch(http).schedule();
    }
  }

  /** The header phase is the parser past its start state but not yet at the body: one request's head in transit. */
  private static boolean readingHeaders(HttpParser parser) {
    int state = parser.getState().ordinal();
    return state > HttpParser.State.START.ordinal() && state <= HttpParser.State.HEADER.ordinal();
  }

  /** A connection's bytes and requests in so far. */
  private record Arrived(long bytes, long messages) {}

  private final class Watch implements Runnable {
    private final HttpConnection connection;
    private long headerSince = -1;
    private long headerOfMessage = -1;
    /** What had arrived by the last check, when the parser was in its start state then; else null. */
    private Arrived lastIdle;
    private long blankSince = -1;

    Watch(HttpConnection connection) {
      this.connection = connection;
    }

    void schedule() {
      connection.getConnector().getScheduler().schedule(this, checkEveryNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
      if (!connection.getEndPoint().isOpen()) {
        return;
      }
      long now = System.nanoTime();
      if (sendsOnlyBlankLinesPastTheDeadline(now)) {
        cuts.info("closing the connection from {}: it sent blank lines but no request within {}",
            connection.getEndPoint().getRemoteSocketAddress(), Duration.ofNanos(deadlineNanos));
        connection.getEndPoint().close();
        return;
      }
      if (!readingHeaders(connection.getParser())) {
        headerSince = -1;
      } else if (headerSince < 0 || headerOfMessage != connection.getMessagesIn()) {
        // First sight of this request's head; it began at most one check ago.
        headerSince = now - checkEveryNanos;
        headerOfMessage = connection.getMessagesIn();
      } else if (now - headerSince >= deadlineNanos) {
        cuts.info("closing the connection from {}: its request headers did not arrive within {}",
            connection.getEndPoint().getRemoteSocketAddress(), Duration.ofNanos(deadlineNanos));
        connection.getEndPoint().close();
        return;
      }
      schedule();
    }

    /**
     * Bytes that arrive while the parser stays in its start state, with no new request between two checks, are blank
     * lines; the deadline runs from the first check that saw them until a request begins.
     */
    private boolean sendsOnlyBlankLinesPastTheDeadline(long now) {
      boolean idle = connection.getParser().getState() == HttpParser.State.START;
      Arrived arrived = new Arrived(connection.getBytesIn(), connection.getMessagesIn());
      if (!idle || (lastIdle != null && arrived.messages() != lastIdle.messages())) {
        blankSince = -1;
      } else if (lastIdle != null && arrived.bytes() > lastIdle.bytes() && blankSince < 0) {
        blankSince = now - checkEveryNanos;
      }
      lastIdle = idle ? arrived : null;
      return blankSince >= 0 && now - blankSince >= deadlineNanos;
    }
  }
}
