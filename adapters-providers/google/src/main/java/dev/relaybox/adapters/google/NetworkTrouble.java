package dev.relaybox.adapters.google;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/** Plain words for a network failure, for problem details and the audit trail: never a Java class name. */
final class NetworkTrouble {
  private NetworkTrouble() {}

  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedIOException) {
        return "timed out";
      }
      if (t instanceof UnknownHostException) {
        return "host not found";
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof SSLException) {
        return "TLS handshake failed";
      }
    }
    return "the connection failed";
  }
}
