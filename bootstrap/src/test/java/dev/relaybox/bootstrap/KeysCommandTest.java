package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeysCommandTest {

  @Test
  void aDatabaseThatCannotBeReachedIsOneLineWithTheReasonAndExitCode1() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    var config = RelayboxConfig.from(Map.of("DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/relaybox?user=postgres"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = KeysCommand.run(new String[] {"keys", "create", "--scope", "api", "--name", "bot"}, config,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    String printed = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, printed);
    assertEquals(1, printed.lines().count(), printed);
    assertTrue(printed.startsWith("relaybox: no key was created: "), printed);
    assertTrue(printed.toLowerCase(java.util.Locale.ROOT).contains("connection"), printed);
    assertFalse(printed.contains("Exception") || printed.contains("\tat "), printed);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }
}
