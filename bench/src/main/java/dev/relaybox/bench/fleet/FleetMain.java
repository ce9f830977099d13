package dev.relaybox.bench.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Java half of {@code deploy/cluster.sh load | bench | chaos} (the script starts and stops the processes; this
 * side runs the fakes, the load and the counting). Reads {@code REPO_ROOT}, {@code CLUSTER_PORT_BASE} and
 * {@code CLUSTER_DIR}, which the script sets.
 */
public final class FleetMain {
  private FleetMain() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getenv().getOrDefault("REPO_ROOT", ".")).toAbsolutePath().normalize();
    int base = Integer.parseInt(System.getenv().getOrDefault("CLUSTER_PORT_BASE", "21600"));
    Path dir = Path.of(System.getenv().getOrDefault("CLUSTER_DIR", "/tmp/relaybox-cluster-" + base));
    if (args.length == 0) {
      usage();
    }
    switch (args[0]) {
      case "load" -> load(new Cluster(root, base, dir, Map.of(), Optional.empty()), args);
      case "bench" -> new FleetBench(root, base, dir).run(args.length > 1 ? Integer.parseInt(args[1]) : 3);
      case "chaos" -> new ChaosRun(root, base, dir).run();
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println("usage: FleetMain load RATE SECONDS [roll | kill N] | bench [MAX_NODES] | chaos");
    System.exit(2);
  }

  /**
   * Open-loop load at RATE for SECONDS through nginx on a running cluster, optionally rolling or killing a node. With an
   * action the load starts first and runs until the action has finished and five more seconds have passed, however long
   * that takes (at least SECONDS): a roll of three jars outlasts a minute, and a load that stopped first would restart
   * the later jars idle.
   */
  private static void load(Cluster cluster, String[] args) throws Exception {
    if (args.length < 3) {
      usage();
    }
    int rate = Integer.parseInt(args[1]);
    Duration length = Duration.ofSeconds(Long.parseLong(args[2]));
    List<String> action = List.of(args).subList(3, args.length);
    try (FleetFakes fakes = new FleetFakes(cluster.fakesPort())) {
      NginxLog nginx = new NginxLog(cluster.dir().resolve("nginx/access.log"));
      long started = System.nanoTime();
      OpenLoad load = new OpenLoad(cluster.loadBalancerUrl(), Cluster.API_KEY, 0.2, "load-" + System.currentTimeMillis())
          .start(rate, action.isEmpty() ? length : length.plus(Duration.ofHours(1)));
      if (action.isEmpty()) {
        load.awaitEnd();
      } else {
        Thread.sleep(Math.min(5_000, length.toMillis() / 4));
        cluster.run(action.toArray(String[]::new));
        long actionEnded = System.nanoTime();
        Thread.sleep(Math.max(5_000, length.toMillis() - Duration.ofNanos(actionEnded - started).toMillis()));
        load.stop();
        System.out.printf(Locale.ROOT, "%s ended %.1f s into the load; the load ran %.1f s%n", String.join(" ", action),
            (actionEnded - started) / 1e9, (System.nanoTime() - started) / 1e9);
      }
      System.out.printf("sent %d, failed at the client %d %s%n", load.sent(), load.failed(), load.failuresByCause());
      List<FleetTally.Row> rows = new FleetTally(fakes, cluster.jdbcUrl()).awaitSettled(load.accepted(), Duration.ofMinutes(3));
      System.out.print(FleetTally.markdown(rows));
      System.out.println("nginx: " + nginx.read());
    }
  }
}
