package dev.relaybox.bootstrap;

import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.application.jobs.runner.RunnerSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything Relaybox reads from its environment, with safe defaults. The README's configuration table lists the
 * same variables; keep the two in step.
 */
public record RelayboxConfig(
    Optional<String> databaseUrl,
    int dbPoolSize,
    Duration dbLockTimeout,
    Path dataDir,
    String httpHost,
    int httpPort,
    long maxBodyBytes,
    int maxInFlight,
    List<String> apiKeys,
    List<String> adminKeys,
    String logFormat,
    Duration shutdownGrace,
    String nodeId,
    Duration pollInterval,
    Duration jobLease,
    Duration retention,
    Duration maintenanceInterval,
    Duration batchWindow,
    Optional<String> routes,
    int assistanceConcurrency,
    int intakeWriters,
    Duration intakeTimeout,
    Duration intakeLockTimeout,
    int channelMaxAttempts,
    Duration channelRetryBase,
    Duration channelRetryCap,
    Map<String, String> environment) {

  public RelayboxConfig {
    apiKeys = List.copyOf(apiKeys);
    adminKeys = List.copyOf(adminKeys);
    environment = Map.copyOf(environment);
  }

  public static RelayboxConfig from(Map<String, String> environment) {
    Env env = new Env(environment);
    String logFormat = env.text("RELAYBOX_LOG_FORMAT", "text");
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new ConfigException("RELAYBOX_LOG_FORMAT must be 'text' or 'json', got '" + logFormat + "'");
    }
    List<String> apiKeys = env.list("RELAYBOX_API_KEYS");
    List<String> adminKeys = env.list("RELAYBOX_ADMIN_KEYS");
    for (String key : concat(apiKeys, adminKeys)) {
      if (key.length() < 16) {
        throw new ConfigException("API keys in RELAYBOX_API_KEYS and RELAYBOX_ADMIN_KEYS must be at least 16 characters");
      }
    }
    return new RelayboxConfig(
        env.text("DATABASE_URL"),
        env.integer("RELAYBOX_DB_POOL_SIZE", 20, 2, 500),
        env.duration("RELAYBOX_DB_LOCK_TIMEOUT", ConnectionPool.DEFAULT_LOCK_WAIT),
        Path.of(env.text("RELAYBOX_DATA_DIR", "./data")),
        env.text("RELAYBOX_HTTP_HOST", "0.0.0.0"),
        env.integer("RELAYBOX_HTTP_PORT", 8080, 0, 65_535),
        env.integer("RELAYBOX_MAX_BODY_BYTES", 64 * 1024, 1_024, 64 * 1024 * 1024),
        env.integer("RELAYBOX_HTTP_MAX_IN_FLIGHT", 2_000, 1, 100_000),
        apiKeys,
        adminKeys,
        logFormat,
        env.duration("RELAYBOX_SHUTDOWN_GRACE", Duration.ofSeconds(25)),
        env.text("RELAYBOX_NODE_ID").orElseGet(RelayboxConfig::defaultNodeId),
        positive("RELAYBOX_POLL_INTERVAL", env.duration("RELAYBOX_POLL_INTERVAL", Duration.ofSeconds(1))),
        positive("RELAYBOX_JOB_LEASE", env.duration("RELAYBOX_JOB_LEASE", Duration.ofSeconds(30))),
        positive("RELAYBOX_RETENTION", env.duration("RELAYBOX_RETENTION", Duration.ofDays(7))),
        positive("RELAYBOX_MAINTENANCE_INTERVAL", env.duration("RELAYBOX_MAINTENANCE_INTERVAL", Duration.ofSeconds(5))),
        atMost("RELAYBOX_BATCH_WINDOW", env.duration("RELAYBOX_BATCH_WINDOW", RunnerSettings.DEFAULT_BATCH_WINDOW), Duration.ofSeconds(1)),
        env.text("RELAYBOX_ROUTES"),
        // A delivery holds its permit for the read, the send and the commit of its record: ~30 ms on a busy 2-core node,
        // so 32 permits capped a node near 1,000 deliveries/s and a backlog grew at that rate (docs/benchmarks.md). They
        // are virtual threads; the channel's own bulkhead, not this, bounds the calls in flight to a third party.
        env.integer("RELAYBOX_ASSISTANCE_CONCURRENCY", 128, 1, 1_000),
        env.integer("RELAYBOX_INTAKE_WRITERS", 4, 1, 64),
        positive("RELAYBOX_INTAKE_TIMEOUT", env.duration("RELAYBOX_INTAKE_TIMEOUT", Duration.ofSeconds(5))),
        positive("RELAYBOX_INTAKE_LOCK_TIMEOUT", env.duration("RELAYBOX_INTAKE_LOCK_TIMEOUT", Duration.ofSeconds(1))),
        env.integer("RELAYBOX_CHANNEL_MAX_ATTEMPTS", 10, 1, 100),
        positive("RELAYBOX_CHANNEL_RETRY_BASE", env.duration("RELAYBOX_CHANNEL_RETRY_BASE", Duration.ofSeconds(1))),
        positive("RELAYBOX_CHANNEL_RETRY_CAP", env.duration("RELAYBOX_CHANNEL_RETRY_CAP", Duration.ofMinutes(10))),
        environment);
  }

  public boolean embeddedDatabase() {
    return databaseUrl.isEmpty();
  }

  private static Duration positive(String name, Duration d) {
    if (d.isZero()) {
      throw new ConfigException(name + " must be greater than zero");
    }
    return d;
  }

  static Duration atMost(String name, Duration d, Duration max) {
    if (d.compareTo(max) > 0) {
      throw new ConfigException(name + " must be at most " + max.toMillis() + "ms, got " + d.toMillis() + "ms");
    }
    return d;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  private static String defaultNodeId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "node";
    }
    return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public String toString() {
    return "RelayboxConfig[database=" + (databaseUrl.isPresent() ? "external" : "embedded in " + dataDir)
        + ", http=" + httpHost + ":" + httpPort + ", node=" + nodeId + ", apiKeys=" + apiKeys.size()
        + ", adminKeys=" + adminKeys.size() + "]";
  }
}
