package dev.relaybox.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Sends one prepared POST over kept-alive HTTP/1.1 connections: a free connection if there is one, else a new one, so
 * an open-loop sender never waits for an answer before the next send. Blocking sockets on the caller's (virtual)
 * thread: a write and a read per request, nothing else.
 */
final class OpenLoopClient implements AutoCloseable {
  record Response(int status, String body) {}

  private final InetSocketAddress target;
  private final byte[] request;
  private final int timeoutMillis;
  private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();

  OpenLoopClient(URI uri, String authorization, String json, int timeoutMillis) {
    this.target = new InetSocketAddress(uri.getHost(), uri.getPort());
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] head = Http1.ascii("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nAuthorization: " + authorization + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
        + "\r\n\r\n");
    this.request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    this.timeoutMillis = timeoutMillis;
  }

  Response post() throws IOException {
    Connection connection = idle.poll();
    if (connection == null) {
      connection = open();
    }
    try {
      connection.out.write(request);
      connection.out.flush();
      Http1.Head head = Http1.readHead(connection.in);
      if (head == null) {
        throw new IOException("the server closed the connection without an answer");
      }
      String body = new String(Http1.readBody(connection.in, head), StandardCharsets.UTF_8);
      if (head.close()) {
        connection.close();
      } else {
        idle.add(connection);
      }
      return new Response(head.status(), body);
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private Connection open() throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(timeoutMillis);
      socket.connect(target, 5_000);
      return new Connection(socket, new BufferedInputStream(socket.getInputStream(), 8192), socket.getOutputStream());
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  @Override
  public void close() {
    for (Connection connection = idle.poll(); connection != null; connection = idle.poll()) {
      connection.close();
    }
  }

  private record Connection(Socket socket, InputStream in, OutputStream out) {
    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
  }
}
