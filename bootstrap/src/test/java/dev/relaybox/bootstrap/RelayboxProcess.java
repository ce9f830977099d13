package dev.relaybox.bootstrap;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The real jar as a separate operating-system process, for crash and shutdown tests. */
final class RelayboxProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private RelayboxProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static RelayboxProcess start(Map<String, String> env, String name) throws IOException {
    Path jar = Path.of(System.getProperty("relaybox.jar", "target/relaybox.jar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException("build the jar first (mvn package): " + jar.toAbsolutePath());
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = Path.of("target", "process-" + name + ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar.toString());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    builder.environment().put("RELAYBOX_HTTP_HOST", "127.0.0.1");
    builder.environment().put("RELAYBOX_HTTP_PORT", Integer.toString(port));
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    RelayboxProcess started = new RelayboxProcess(builder.start(), port, log);
    TestApi anonymous = new TestApi(port, null);
    try {
      Await.until("process " + name + " to be ready", Duration.ofSeconds(150), () -> {
        if (!started.process.isAlive()) {
          throw new AssertionError("process " + name + " exited with " + started.process.exitValue() + "; see " + log);
        }
        try {
          return anonymous.get("/health/ready").statusCode() == 200;
        } catch (AssertionError connectionRefused) {
          return false;
        }
      });
    } catch (AssertionError notReady) {
      // Never leave a half-started jar behind: it would keep writing into the next run's log file.
      started.process.destroyForcibly();
      throw notReady;
    }
    return started;
  }

  int port() {
    return port;
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  /** SIGKILL: no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, then wait for the process to exit on its own. */
  int terminate(Duration max) throws InterruptedException {
    process.destroy();
    return awaitExit(max);
  }

  /** Sends a signal by name ({@code STOP}, {@code CONT}) with kill(1). */
  void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** SIGTERM, without waiting. */
  void signalTerminate() {
    process.destroy();
  }

  int awaitExit(Duration max) throws InterruptedException {
    if (!process.waitFor(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("process did not stop within " + max + " after SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
