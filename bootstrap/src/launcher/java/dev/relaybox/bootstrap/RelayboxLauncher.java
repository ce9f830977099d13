package dev.relaybox.bootstrap;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The jar's {@code Main-Class}. It is compiled for Java 8 (its own compile execution in bootstrap/pom.xml) so that an
 * older {@code java} can load it and say plainly what is wrong, instead of failing with
 * {@code UnsupportedClassVersionError}. On Java 21 or newer it hands over to {@code RelayboxMain} at once.
 * Keep it to Java 8 language and library: it is the one class an old runtime must be able to run.
 */
public final class RelayboxLauncher {
  static final int REQUIRED = 21;
  private static final String REAL_MAIN = "dev.relaybox.bootstrap.RelayboxMain";

  private RelayboxLauncher() {
  }

  public static void main(String[] args) throws Throwable {
    int running = major(System.getProperty("java.specification.version", "0"));
    if (running < REQUIRED) {
      System.err.println(tooOld(running, System.getProperty("java.home", "an unknown location")));
      System.exit(1);
      return;
    }
    Method main = Class.forName(REAL_MAIN).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The one sentence an old runtime gets. */
  static String tooOld(int running, String javaHome) {
    return "Relaybox needs Java " + REQUIRED + " or newer; this is Java " + running + " at " + javaHome
        + ". Install a JDK " + REQUIRED + "+ and run the jar with its java (check with `java -version`), or start"
        + " Relaybox with ./relaybox, which picks a JDK " + REQUIRED + "+ for you.";
  }

  /** {@code 1.8} → 8, {@code 17} → 17, {@code 25} → 25. */
  static int major(String specificationVersion) {
    String version = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
    int end = 0;
    while (end < version.length() && Character.isDigit(version.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
  }
}
