package dev.relaybox.bootstrap;

import java.time.Clock;
import java.time.Duration;

/** {@code java -jar relaybox.jar}: reads the environment, starts everything, stops cleanly on SIGTERM. */
public final class RelayboxMain {
  private RelayboxMain() {}

  public static void main(String[] args) {
    if (args.length >= 2 && args[0].equals("simulate") && args[1].equals("commerce")) {
      System.exit(SimulateCommerce.run(java.util.List.of(args).subList(2, args.length)));
      return;
    }
    if (args.length >= 2 && args[0].equals("simulate") && args[1].equals("payment-provider")) {
      System.exit(dev.relaybox.adapters.paymentprovider.PaymentProviderSimulator.run(java.util.Arrays.copyOfRange(args, 2, args.length)));
      return;
    }
    long started = System.nanoTime();
    RelayboxConfig config;
    try {
      config = RelayboxConfig.from(ConfigFile.mergedWith(System.getenv()));
    } catch (ConfigException e) {
      System.err.println("relaybox: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (args.length > 0 && args[0].equals("keys")) {
      System.setProperty("logback.configurationFile", "logback-quiet.xml");
      System.exit(KeysCommand.run(args, config, System.out, System.err));
      return;
    }
    // Must be set before the first logger is created.
    System.setProperty("logback.configurationFile", config.logFormat().equals("json") ? "logback-json.xml" : "logback-text.xml");
    var log = org.slf4j.LoggerFactory.getLogger(RelayboxMain.class);

    Relaybox relaybox;
    try {
      relaybox = Relaybox.start(config, Clock.systemUTC());
    } catch (ConfigException e) {
      log.error("configuration error: {}", e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      log.error("Relaybox failed to start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutdown requested; draining");
      relaybox.close();
      log.info("stopped");
    }, "relaybox-shutdown"));

    relaybox.firstApiKey().ifPresent(key -> {
      // Printed, not logged: the key must not end up in log storage. It is shown this once only.
      System.out.print(KeyBanner.render(key, config.logFormat(), Clock.systemUTC().instant()));
      System.out.flush();
    });
    log.info("Relaybox ready on port {} in {} ms", relaybox.httpPort(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
  }
}
