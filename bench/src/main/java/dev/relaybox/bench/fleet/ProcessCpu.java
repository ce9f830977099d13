package dev.relaybox.bench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time used so far by a process, or by a process and its children (PostgreSQL's backends), from /proc. */
final class ProcessCpu {
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

  private ProcessCpu() {}

  static double seconds(long pid) {
    String[] f = stat(pid);
    return f == null ? 0 : (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
  }

  /** The process and its live children (fields after the command name: state is [0], ppid [1], utime [11], stime [12]). */
  static double secondsWithChildren(long pid) {
    double total = seconds(pid);
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        long child = Long.parseLong(p.getFileName().toString());
        String[] f = stat(child);
        if (f != null && Long.parseLong(f[1]) == pid) {
          total += seconds(child);
        }
      }
    } catch (IOException e) {
      return total;
    }
    return total;
  }

  /** CPU time of the JVM's JIT compiler threads ("C1 CompilerThread0", "C2 CompilerThread1", ...) in process {@code pid}. */
  static double compilerSeconds(long pid) {
    double total = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String s = Files.readString(task.resolve("stat"));
          String name = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
          if (name.matches("C\\d CompilerThre.*")) {
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
          }
        } catch (IOException | RuntimeException e) {
          // a thread that ended meanwhile
        }
      }
    } catch (IOException e) {
      return total;
    }
    return total;
  }

  private static String[] stat(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
