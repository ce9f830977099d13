package dev.relaybox.bench.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

  /** Open-loop load at RATE for SECONDS through nginx on a running cluster, optionally rolling or killing a node. */
  private static void load(Cluster cluster, String[] args) throws Exception {
    if (args.length < 3) {
      usage();
    }
    int rate = Integer.parseInt(args[1]);
    Duration length = Duration.ofSeconds(Long.parseLong(args[2]));
    List<String> action = List.of(args).subList(3, args.length);
    try (FleetFakes fakes = new FleetFakes(cluster.fakesPort())) {
      NginxLog nginx = new NginxLog(cluster.dir().resolve("nginx/access.log"));
      OpenLoad load = new OpenLoad(cluster.loadBalancerUrl(), Cluster.API_KEY, 0.2, "load-" + System.currentTimeMillis()).start(rate, length);
      if (!action.isEmpty()) {
        Thread.sleep(Math.min(5_000, length.toMillis() / 4));
        cluster.run(action.toArray(String[]::new));
      }
      load.awaitEnd();
      System.out.printf("sent %d, failed at the client %d %s%n", load.sent(), load.failed(), load.failuresByCause());
      List<FleetTally.Row> rows = new FleetTally(fakes, cluster.jdbcUrl()).awaitSettled(load.accepted(), Duration.ofMinutes(3));
      System.out.print(FleetTally.markdown(rows));
      System.out.println("nginx: " + nginx.read());
    }
  }
}
