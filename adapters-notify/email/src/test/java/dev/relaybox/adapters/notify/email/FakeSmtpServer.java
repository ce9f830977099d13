package dev.relaybox.adapters.notify.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny SMTP server speaking a real SMTP dialogue on 127.0.0.1, with scripted replies to RCPT TO and to the end of
 * DATA, for the rejections GreenMail does not produce.
 */
final class FakeSmtpServer implements AutoCloseable {

  private final ServerSocket listener;
  private final Thread acceptor;
  private final String rcptReply;
  private final String dataReply;
  final List<String> commands = new CopyOnWriteArrayList<>();

  FakeSmtpServer(String rcptReply, String dataReply) throws IOException {
    this.rcptReply = rcptReply;
    this.dataReply = dataReply;
    this.listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    this.acceptor = Thread.ofPlatform().daemon().name("fake-smtp").start(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try (Socket socket = listener.accept()) {
        socket.setSoTimeout(5_000);
        converse(socket);
      } catch (IOException e) {
        // closed, or the client went away: wait for the next one
      }
    }
  }

  private void converse(Socket socket) throws IOException {
    var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
    reply(out, "220 fake.test ESMTP ready");
    String line;
    while ((line = in.readLine()) != null) {
      commands.add(line);
      String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
      switch (verb) {
        case "EHLO", "HELO" -> reply(out, "250-fake.test\r\n250 8BITMIME");
        case "MAIL" -> reply(out, "250 2.1.0 Sender ok");
        case "RCPT" -> reply(out, rcptReply);
        case "DATA" -> {
          reply(out, "354 End data with <CR><LF>.<CR><LF>");
          String data;
          while ((data = in.readLine()) != null && !data.equals(".")) {
            // swallow the message
          }
          reply(out, dataReply);
        }
        case "RSET", "NOOP" -> reply(out, "250 2.0.0 OK");
        case "QUIT" -> {
          reply(out, "221 2.0.0 Bye");
          return;
        }
        default -> reply(out, "502 5.5.2 Command not recognised");
      }
    }
  }

  private static void reply(Writer out, String text) throws IOException {
    out.write(text + "\r\n");
    out.flush();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    try {
      acceptor.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
