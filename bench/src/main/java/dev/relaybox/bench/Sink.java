package dev.relaybox.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The loopback stand-in for Slack: answers {@code 200 ok} at once, counts every message, and while recording notes
 * the arrival time ({@link System#nanoTime()}, the same clock as the load generator in this JVM) of the first
 * message per request id, parsed from the "Request id" field of the Slack JSON body.
 */
final class Sink implements AutoCloseable {
  private static final Pattern REQUEST_ID = Pattern.compile("Request id\\*\\\\n`([0-9a-f-]{36})`");
  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

  private final HttpServer server;
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong unparsed = new AtomicLong();
  private volatile ConcurrentHashMap<String, Long> arrivals;

  Sink() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", exchange -> {
      long at = System.nanoTime();
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
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
      exchange.sendResponseHeaders(200, OK.length);
      exchange.getResponseBody().write(OK);
      exchange.close();
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/services/bench/sink";
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
    server.stop(0);
  }
}
