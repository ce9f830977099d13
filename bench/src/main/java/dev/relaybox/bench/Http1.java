package dev.relaybox.bench;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Just enough HTTP/1.1 for the end-to-end benchmark's client and Slack sink, which share the two cores of the jar they
 * measure: a message head, a body framed by Content-Length or chunked, and whether the connection stays open. With the
 * JDK's HttpClient and HttpServer the bench JVM used 518 µs of CPU per delivered request at 1,000/s, most of what the
 * jar itself used; this keeps the load generator from being what the run measures.
 */
final class Http1 {
  private static final int MAX_LINE = 8192;

  private Http1() {}

  /** A request or status line and the headers that frame the message; {@code null} at a clean end of stream. */
  record Head(String startLine, long contentLength, boolean chunked, boolean close) {
    int status() {
      // "HTTP/1.1 202 Accepted"
      int space = startLine.indexOf(' ');
      return Integer.parseInt(startLine.substring(space + 1, space + 4));
    }
  }

  static Head readHead(InputStream in) throws IOException {
    String start = readLine(in, true);
    if (start == null) {
      return null;
    }
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header line: " + line);
      }
      String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> close = value.equalsIgnoreCase("close");
        default -> { }
      }
    }
    return new Head(start, length, chunked, close);
  }

  /** The body of a message with {@code head}; empty when it has neither a length nor chunks (a request without one). */
  static byte[] readBody(InputStream in, Head head) throws IOException {
    if (head.chunked()) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String size = readLine(in, false);
        int extension = size.indexOf(';');
        int length = Integer.parseInt((extension < 0 ? size : size.substring(0, extension)).strip(), 16);
        if (length == 0) {
          while (!readLine(in, false).isEmpty()) {
            // trailers
          }
          return body.toByteArray();
        }
        body.write(in.readNBytes(length));
        readLine(in, false);
      }
    }
    if (head.contentLength() < 0) {
      return new byte[0];
    }
    byte[] body = in.readNBytes((int) head.contentLength());
    if (body.length < head.contentLength()) {
      throw new EOFException("body ended after " + body.length + " of " + head.contentLength() + " bytes");
    }
    return body;
  }

  private static String readLine(InputStream in, boolean endAllowed) throws IOException {
    StringBuilder line = new StringBuilder(64);
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        if (endAllowed && line.isEmpty()) {
          return null;
        }
        throw new EOFException("connection closed mid-message");
      }
      if (line.length() >= MAX_LINE) {
        throw new IOException("line longer than " + MAX_LINE);
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
