package dev.relaybox.bootstrap;

import dev.relaybox.adapters.commerce.simulator.CommerceSimulator;
import dev.relaybox.adapters.commerce.simulator.SimulatorOptions;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar relaybox.jar simulate commerce [options]}: serves customers, inventory and authorisations until stopped. */
final class SimulateCommerce {
  private SimulateCommerce() {}

  static int run(List<String> args) {
    SimulatorOptions options;
    try {
      options = SimulatorOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("relaybox: " + e.getMessage());
      System.err.println(SimulatorOptions.USAGE);
      return 2;
    }
    System.setProperty("logback.configurationFile", "logback-text.xml");
    CommerceSimulator simulator = CommerceSimulator.start(options.host(), options.port(), options.knobs(), new SecureRandom());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      simulator.close();
      stopped.countDown();
    }, "simulator-shutdown"));
    System.out.printf("commerce simulator on %s%n  RELAYBOX_CUSTOMERS_URL=%1$s RELAYBOX_INVENTORY_URL=%1$s RELAYBOX_AUTHORIZATIONS_URL=%1$s%n"
        + "  knobs: GET/PUT %1$s/_simulator/knobs, state: GET %1$s/_simulator/state%n", simulator.baseUrl());
    System.out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
