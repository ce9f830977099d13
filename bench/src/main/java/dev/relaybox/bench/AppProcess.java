package dev.relaybox.bench;

import dev.relaybox.adapters.persistence.shared.JdbcTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real jar (or the {@link MinimalService} in its place) as a separate process, pointed at the bench's PostgreSQL and
 * at the loopback sink as its Slack. Reports the time from process start to the first {@code 200} from
 * {@code /health/ready}, and the peak RSS ({@code VmHWM}).
 */
final class AppProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AppProcess.class);

  private final Service service;
  private final Process process;
  private final int port;
  private final double readyMillis;

  private final Path log;

  private AppProcess(Service service, Process process, int port, double readyMillis, Path log) {
    this.service = service;
    this.log = log;
    this.process = process;
    this.port = port;
    this.readyMillis = readyMillis;
  }

  /** What runs: the jar, or the minimal service from this JVM's own classpath. */
  enum Service {
    JAR("jar"), MINIMAL("minimal service");

    private final String noun;

    Service(String noun) {
      this.noun = noun;
    }

    @Override
    public String toString() {
      return noun;
    }

    List<String> launch(AppConfig config) {
      return switch (this) {
        case JAR -> List.of("-jar", config.jar().toString());
        case MINIMAL -> List.of("-cp", System.getProperty("java.class.path"), MinimalService.class.getName());
      };
    }
  }

  static AppProcess start(Service service, AppConfig config, JdbcTarget database, Sink sink, Path log) throws InterruptedException {
    if (service == Service.JAR && !Files.isRegularFile(config.jar())) {
      throw new IllegalStateException(config.jar() + " is missing; build it with ./mvnw -q -DskipTests package");
    }
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(config.javaOpts());
    command.addAll(service.launch(config));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("RELAYBOX_") || k.equals("DATABASE_URL"));
    env.put("DATABASE_URL", databaseUrl(database));
    env.put("RELAYBOX_HTTP_HOST", "127.0.0.1");
    env.put("RELAYBOX_HTTP_PORT", Integer.toString(port));
    env.put("RELAYBOX_API_KEYS", config.apiKey());
    env.put("RELAYBOX_ROUTES", "sales=slack");
    env.put("RELAYBOX_SLACK_WEBHOOK_URL", sink.url());
    env.put("RELAYBOX_SLACK_MAX_PER_SECOND", "100000");
    env.put("RELAYBOX_SLACK_BURST", "100000");
    // Slack's own default (8 calls in flight per node) is sized for real Slack, which allows about one message a
    // second; once a call takes 8 ms on the busy machine it caps delivery at 1,000/s, the rate under test. One call
    // per delivery worker (RELAYBOX_ASSISTANCE_CONCURRENCY, 128) leaves the engine, not the channel's limit, to measure.
    // Measured against 8 (two rounds each): the c64 backlog took 4.5-4.9 s to deliver instead of 10.9 s, and the end
    // to end p99 at 1,000/s was no worse.
    env.put("RELAYBOX_SLACK_MAX_CONCURRENCY", "128");
    // One bench client is one API key: the default per-key rate (200/s) would measure the abuse limit, not intake.
    env.put("RELAYBOX_API_RATE", "1000000");
    env.put("RELAYBOX_NODE_ID", "bench-app");
    if (service == Service.JAR) {
      env.putAll(config.appEnv()); // the jar's settings under test; the minimal service has none of them
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).timeout(Duration.ofSeconds(1)).build();
    long t0 = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          break;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("the " + service + " did not become ready (exit " + (process.isAlive() ? "none" : process.exitValue())
            + "); see " + log);
      }
      Thread.sleep(10);
    }
    double readyMillis = (System.nanoTime() - t0) / 1e6;
    LOG.info("{} pid {} ready on port {} after {} ms", service, process.pid(), port, String.format("%.0f", readyMillis));
    return new AppProcess(service, process, port, readyMillis, log);
  }

  /** The pool's URL with the credentials as parameters, since the jar takes one variable. */
  private static String databaseUrl(JdbcTarget target) {
    StringBuilder url = new StringBuilder(target.jdbcUrl());
    char sep = target.jdbcUrl().contains("?") ? '&' : '?';
    if (target.user().isPresent()) {
      url.append(sep).append("user=").append(URLEncoder.encode(target.user().get(), StandardCharsets.UTF_8));
      sep = '&';
    }
    target.password().ifPresent(p -> url.append('&').append("password=").append(URLEncoder.encode(p, StandardCharsets.UTF_8)));
    return url.toString();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The first OutOfMemoryError line of the jar's log, if any. */
  Optional<String> outOfMemory() {
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("OutOfMemoryError")).findFirst().map(l -> "`" + l.strip().replace("|", "/") + "`");
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  double readyMillis() {
    return readyMillis;
  }

  long pid() {
    return process.pid();
  }

  /** Peak resident set size so far, in MiB ({@code VmHWM} of {@code /proc/<pid>/status}). */
  double peakRssMib() {
    return status("VmHWM").orElse(Double.NaN) / 1024.0;
  }

  double rssMib() {
    return status("VmRSS").orElse(Double.NaN) / 1024.0;
  }

  private Optional<Double> status(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Optional.of(Double.parseDouble(line.replaceAll("[^0-9]", "")));
        }
      }
    } catch (IOException e) {
      LOG.warn("could not read /proc/{}/status: {}", process.pid(), e.toString());
    }
    return Optional.empty();
  }

  /** The heap and GC the JVM chose, from {@code jcmd <pid> VM.flags}. */
  String heapSettings() {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    String flags = Machine.command(jcmd, Long.toString(process.pid()), "VM.flags").orElse("");
    List<String> parts = new ArrayList<>();
    for (String name : new String[] {"InitialHeapSize", "MaxHeapSize"}) {
      Matcher m = Pattern.compile("-XX:" + name + "=(\\d+)").matcher(flags);
      if (m.find()) {
        parts.add(name + " " + Long.parseLong(m.group(1)) / (1024 * 1024) + " MiB");
      }
    }
    Matcher gc = Pattern.compile("-XX:\\+Use(\\w+GC)").matcher(flags);
    if (gc.find()) {
      parts.add(gc.group(1));
    }
    return String.join(", ", parts);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: the jar's graceful shutdown
    if (!process.waitFor(40, TimeUnit.SECONDS)) {
      LOG.warn("{} pid {} did not stop within 40 s; killing it", service, process.pid());
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
