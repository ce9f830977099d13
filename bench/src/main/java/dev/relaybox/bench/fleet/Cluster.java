package dev.relaybox.bench.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code deploy/cluster.sh} driven from Java: the same script an operator runs, so the harness, the benchmark and the
 * process test exercise exactly what the kit ships. Ports follow the script's layout (base + offset).
 */
public final class Cluster {
  public static final String API_KEY = "rbx_cluster_api_key_0123456789abcdef";
  public static final String ADMIN_KEY = "rbx_cluster_admin_key_0123456789abcdef";

  private final Path repoRoot;
  private final int portBase;
  private final Path dir;
  private final Map<String, String> env;
  private final Optional<Path> log;

  /**
   * @param env extra environment for the script: {@code RELAYBOX_*} settings every jar gets, {@code CLUSTER_DB_PORT}
   * @param log where the script's output goes; empty inherits this process's output
   */
  public Cluster(Path repoRoot, int portBase, Path dir, Map<String, String> env, Optional<Path> log) {
    this.repoRoot = repoRoot;
    this.portBase = portBase;
    this.dir = dir;
    this.env = new LinkedHashMap<>(env);
    this.log = log;
  }

  /** Runs {@code deploy/cluster.sh args…} and waits; a non-zero exit is an error. */
  public void run(String... args) {
    List<String> command = new ArrayList<>(List.of(repoRoot.resolve("deploy/cluster.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(repoRoot.toFile()).redirectErrorStream(true);
    if (log.isPresent()) {
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.get().toFile()));
    } else {
      builder.inheritIO();
    }
    builder.environment().put("CLUSTER_PORT_BASE", Integer.toString(portBase));
    builder.environment().put("CLUSTER_DIR", dir.toString());
    builder.environment().putAll(env);
    try {
      int exit = builder.start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException("deploy/cluster.sh " + String.join(" ", args) + " exited with " + exit
            + log.map(l -> "; see " + l).orElse(""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running deploy/cluster.sh " + String.join(" ", args), e);
    }
  }

  public String loadBalancerUrl() {
    return "http://127.0.0.1:" + portBase;
  }

  public int postgresPort() {
    return portBase + 1;
  }

  public int proxyPort() {
    return portBase + 2;
  }

  public int fakesPort() {
    return portBase + 3;
  }

  public int jarPort(int node) {
    return portBase + 10 + node;
  }

  public Path dir() {
    return dir;
  }

  /** JDBC URL straight to PostgreSQL (not through the chaos proxy), for counting. */
  public String jdbcUrl() {
    try {
      String password = Files.readString(dir.resolve("pg-password")).strip();
      return "jdbc:postgresql://127.0.0.1:" + postgresPort() + "/relaybox?user=relaybox&password="
          + URLEncoder.encode(password, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The process id of jar {@code node}, while it runs. */
  public Optional<Long> jarPid(int node) {
    try {
      Path file = dir.resolve("jar-" + node + ".pid");
      return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file).strip())) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The postmaster's process id, while PostgreSQL runs. */
  public Optional<Long> postgresPid() {
    try {
      Path file = dir.resolve("pg/postmaster.pid");
      return Files.exists(file) ? Optional.of(Long.parseLong(Files.readAllLines(file).getFirst().strip())) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
