package dev.relaybox.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The loopback stand-in for Slack: answers {@code 200 ok} at once, counts every message, and while recording notes
 * the arrival time ({@link System#nanoTime()}, the same clock as the load generator in this JVM) of the first
 * message per request id, parsed from the "Request id" field of the Slack JSON body. One virtual thread per
 * kept-alive connection reads requests with {@link Http1} (see there for why not the JDK's HttpServer).
 */
final class Sink implements AutoCloseable {
  private static final Pattern REQUEST_ID = Pattern.compile("Request id\\*\\\\n`([0-9a-f-]{36})`");
  private static final byte[] OK = Http1.ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");

  private final ServerSocket server;
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong unparsed = new AtomicLong();
  private volatile ConcurrentHashMap<String, Long> arrivals;

  Sink() {
    try {
      server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread.ofPlatform().daemon().name("bench-sink-accept").start(this::accept);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket connection = server.accept();
        Thread.ofVirtual().start(() -> serve(connection));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      connection.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(connection.getInputStream(), 16384);
      OutputStream out = connection.getOutputStream();
      for (Http1.Head head = Http1.readHead(in); head != null; head = Http1.readHead(in)) {
        byte[] body = Http1.readBody(in, head);
        received(System.nanoTime(), new String(body, StandardCharsets.UTF_8));
        out.write(OK);
        out.flush();
        if (head.close()) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the jar closed or broke the connection; its next message comes on another
    }
  }

  private void received(long at, String body) {
    messages.incrementAndGet();
    ConcurrentHashMap<String, Long> recording = arrivals;
    if (recording != null) {
      Matcher m = REQUEST_ID.matcher(body);
      if (m.find()) {
        if (recording.putIfAbsent(m.group(1), at) != null) {
          duplicates.incrementAndGet();
        }
      } else {
        unparsed.incrementAndGet();
      }
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort() + "/services/bench/sink";
  }

  long messages() {
    return messages.get();
  }

  /** Starts noting arrival times per request id (forgetting earlier ones). */
  ConcurrentHashMap<String, Long> record() {
    duplicates.set(0);
    unparsed.set(0);
    arrivals = new ConcurrentHashMap<>();
    return arrivals;
  }

  void stopRecording() {
    arrivals = null;
  }

  long duplicates() {
    return duplicates.get();
  }

  long unparsed() {
    return unparsed.get();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
