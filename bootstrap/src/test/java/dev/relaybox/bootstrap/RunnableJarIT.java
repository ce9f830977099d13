package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The fat jar carries every library the adapters need at run time. A test-scoped declaration in a pom silently drops
 * a transitive runtime dependency from the jar while the tests (which have it) stay green; this catches that.
 */
class RunnableJarIT {

  @Test
  void carriesTheRuntimeLibrariesOfEveryAdapterAndTheMergedServiceFiles() throws Exception {
    Path jar = Path.of(System.getProperty("relaybox.jar", "target/relaybox.jar"));
    try (JarFile file = new JarFile(jar.toFile())) {
      Set<String> entries = file.stream().map(java.util.zip.ZipEntry::getName).collect(Collectors.toSet());
      for (String required : List.of(
          "dev/relaybox/bootstrap/RelayboxMain.class",
          "org/postgresql/Driver.class",
          "postgres-linux-x86_64.txz",
          "db/migration/V1__api_keys.sql",
          "jakarta/mail/internet/MimeMessage.class",
          "org/eclipse/angus/mail/smtp/SMTPTransport.class",
          "com/standardwebhooks/Webhook.class",
          "org/bouncycastle/jce/provider/BouncyCastleProvider.class",
          "com/apple/itunes/storekit/verification/SignedDataVerifier.class",
          "com/google/api/services/androidpublisher/AndroidPublisher.class",
          "dev/failsafe/Failsafe.class",
          "logback-json.xml")) {
        assertTrue(entries.contains(required), "the jar lacks " + required);
      }
      byte[] launcher = file.getInputStream(file.getEntry("dev/relaybox/bootstrap/RelayboxLauncher.class")).readAllBytes();
      assertTrue(launcher[7] == 52, "the launcher must be Java 8 bytecode (major 52) so old runtimes can run it; was " + launcher[7]);
      assertTrue(file.getManifest().getMainAttributes().getValue("Main-Class").equals("dev.relaybox.bootstrap.RelayboxLauncher"));
      String services = new String(file.getInputStream(
          file.getEntry("META-INF/services/dev.relaybox.application.assistance.port.out.NotificationChannelFactory")).readAllBytes());
      for (String factory : List.of("SlackChannelFactory", "SmtpEmailChannelFactory", "WebhookChannelFactory", "LogChannelFactory")) {
        assertTrue(services.contains(factory), "ServiceLoader file lacks " + factory + ": " + services);
      }
    }
  }
}
