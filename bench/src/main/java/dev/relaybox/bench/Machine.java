package dev.relaybox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where the numbers came from: host, JDK and commit. */
final class Machine {
  private Machine() {}

  /** The 1, 5 and 15 minute load averages of {@code /proc/loadavg}. */
  static String loadAverage() {
    return read("/proc/loadavg").map(s -> String.join(" ", List.of(s.split(" ")).subList(0, 3))).orElse("?");
  }

  static Map<String, String> describe() {
    Map<String, String> info = new LinkedHashMap<>();
    info.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withLocale(java.util.Locale.ROOT)).replaceAll("\\.\\d+", ""));
    info.put("cpu", firstMatch("/proc/cpuinfo", "model name").orElse(System.getProperty("os.arch")));
    info.put("cores (nproc)", command("nproc").orElse(Integer.toString(Runtime.getRuntime().availableProcessors())));
    info.put("memory", firstMatch("/proc/meminfo", "MemTotal")
        .map(v -> String.format(java.util.Locale.ROOT, "%.1f GiB", Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
        .orElse("?"));
    info.put("load average at start", loadAverage());
    info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    info.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    info.put("jvm flags", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
    String commit = command("git", "rev-parse", "--short", "HEAD").orElse("?");
    boolean dirty = command("git", "status", "--porcelain", "--untracked-files=no").map(s -> !s.isBlank()).orElse(false);
    info.put("git commit", commit + (dirty ? " (with uncommitted changes)" : ""));
    return info;
  }

  private static java.util.Optional<String> read(String file) {
    try {
      return java.util.Optional.of(Files.readString(Path.of(file)).strip());
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  private static java.util.Optional<String> firstMatch(String file, String key) {
    return read(file).flatMap(text -> text.lines().filter(l -> l.startsWith(key)).findFirst())
        .map(l -> l.substring(l.indexOf(':') + 1).strip());
  }

  static java.util.Optional<String> command(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? java.util.Optional.of(out) : java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.empty();
    }
  }
}
