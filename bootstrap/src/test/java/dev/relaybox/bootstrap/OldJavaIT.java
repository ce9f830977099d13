package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code java -jar relaybox.jar} on a runtime older than 21 prints one plain sentence instead of a class-version error. */
class OldJavaIT {

  @Test
  void anOldJavaIsToldInOneSentenceWhichJavaRelayboxNeeds() throws Exception {
    Optional<Path> oldJava = olderJava();
    assumeTrue(oldJava.isPresent(), "no Java older than 21 under /usr/lib/jvm to run the jar with");
    Path jar = Path.of(System.getProperty("relaybox.jar", "target/relaybox.jar"));

    Process process = new ProcessBuilder(oldJava.get().toString(), "-jar", jar.toString()).redirectErrorStream(true).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher answers at once");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

    assertEquals(1, process.exitValue(), output);
    assertTrue(output.startsWith("Relaybox needs Java 21 or newer; this is Java "), output);
    assertTrue(output.contains("java -version"), output);
    assertEquals(1, output.lines().count(), "one sentence, no stack trace: " + output);
    assertFalse(output.contains("UnsupportedClassVersionError"), output);
  }

  private static Optional<Path> olderJava() throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")) && Files.isRegularFile(home.resolve("release")))
          .filter(home -> {
            try {
              return Files.readAllLines(home.resolve("release")).stream()
                  .filter(line -> line.startsWith("JAVA_VERSION="))
                  .map(line -> RelayboxLauncher.major(line.substring("JAVA_VERSION=".length()).replace("\"", "")))
                  .anyMatch(major -> major > 0 && major < RelayboxLauncher.REQUIRED);
            } catch (IOException e) {
              return false;
            }
          })
          .map(home -> home.resolve("bin/java"))
          .findFirst();
    }
  }
}
