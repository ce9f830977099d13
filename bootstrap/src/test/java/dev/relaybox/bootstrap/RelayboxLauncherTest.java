package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RelayboxLauncherTest {

  @Test
  void readsTheMajorVersionOfOldAndNewRuntimes() {
    assertEquals(8, RelayboxLauncher.major("1.8"));
    assertEquals(17, RelayboxLauncher.major("17"));
    assertEquals(25, RelayboxLauncher.major("25"));
    assertEquals(0, RelayboxLauncher.major("unknown"));
  }

  @Test
  void tellsAnOldRuntimeInOneSentenceWhatIsNeeded() {
    assertEquals("Relaybox needs Java 21 or newer; this is Java 17 at /opt/jdk-17. Install a JDK 21+ and run the jar with"
            + " its java (check with `java -version`), or start Relaybox with ./relaybox, which picks a JDK 21+ for you.",
        RelayboxLauncher.tooOld(17, "/opt/jdk-17"));
  }
}
