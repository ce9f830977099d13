package dev.relaybox.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * CPU time a process has used so far (utime + stime of {@code /proc/<pid>/stat}, all its threads), and the whole
 * machine's busy time (every state of {@code /proc/stat}'s cpu line but idle and iowait, all cores).
 */
final class JarCpu {
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

  private JarCpu() {}

  static double machineBusySeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(f[i]);
      }
      return busy / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static double seconds(long pid) {
    try {
      return statSeconds(Files.readString(Path.of("/proc/" + pid + "/stat")));
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * CPU time so far of a PostgreSQL server on this machine: its postmaster's own, that of the children it has reaped
   * (backends of closed connections, autovacuum workers), and that of every live child (backends, WAL writer,
   * checkpointer, ...), each from {@code /proc}. NaN when the postmaster is gone.
   */
  static double serverSeconds(long postmasterPid) {
    double total;
    try {
      String[] f = fields(Files.readString(Path.of("/proc/" + postmasterPid + "/stat")));
      total = (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    String parent = Long.toString(postmasterPid);
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path process : processes) {
        try {
          String[] f = fields(Files.readString(process.resolve("stat")));
          if (f[1].equals(parent)) {
            total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
          }
        } catch (IOException gone) {
          // ended since it was listed: its time is in the postmaster's reaped children's from now on
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return total;
  }

  /**
   * The postmaster of the PostgreSQL backend {@code backendPid}, when that backend runs on this machine: its parent,
   * both named {@code postgres}. Empty for a server elsewhere, whose pids mean nothing here.
   */
  static OptionalLong postmasterOf(long backendPid) {
    try {
      Path backend = Path.of("/proc/" + backendPid);
      if (!Files.readString(backend.resolve("comm")).strip().equals("postgres")) {
        return OptionalLong.empty();
      }
      long parent = Long.parseLong(fields(Files.readString(backend.resolve("stat")))[1]);
      return Files.readString(Path.of("/proc/" + parent + "/comm")).strip().equals("postgres")
          ? OptionalLong.of(parent) : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * CPU time so far of a JVM's JIT compiler threads and of its garbage collector's threads, from each thread's
   * {@code /proc/<pid>/task/<tid>/stat}: the share of a process's CPU that is warm-up and memory management rather than
   * the work it was given. Threads that ended are no longer listed, so only differences over a window of a process whose
   * compiler and GC threads live on are meaningful (HotSpot keeps at least one of each).
   */
  static JvmThreads jvmThreads(long pid) {
    double compiler = 0;
    double gc = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        String name;
        try {
          name = Files.readString(task.resolve("comm")).strip();
        } catch (IOException gone) {
          continue;
        }
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
          compiler += threadSeconds(task);
        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
          gc += threadSeconds(task);
        }
      }
    } catch (IOException | RuntimeException e) {
      return new JvmThreads(Double.NaN, Double.NaN);
    }
    return new JvmThreads(compiler, gc);
  }

  /**
   * The CPU time so far of the jar, of the database server (NaN when it is not on this machine) and of the whole
   * machine (busy, all cores), with the wall clock: {@link #minus} gives a window's share of each.
   */
  record Usage(double jarSeconds, double serverSeconds, double machineSeconds, long nanos) {
    static Usage now(long jarPid, OptionalLong postmaster) {
      return new Usage(JarCpu.seconds(jarPid), postmaster.isPresent() ? JarCpu.serverSeconds(postmaster.getAsLong()) : Double.NaN,
          machineBusySeconds(), System.nanoTime());
    }

    Usage minus(Usage earlier) {
      return new Usage(jarSeconds - earlier.jarSeconds, serverSeconds - earlier.serverSeconds,
          machineSeconds - earlier.machineSeconds, nanos - earlier.nanos);
    }

    /** The machine's busy share over the window, all cores. */
    double busyShare() {
      return machineSeconds / (nanos / 1e9 * Runtime.getRuntime().availableProcessors());
    }
  }

  record JvmThreads(double compilerSeconds, double gcSeconds) {
    JvmThreads minus(JvmThreads earlier) {
      return new JvmThreads(compilerSeconds - earlier.compilerSeconds, gcSeconds - earlier.gcSeconds);
    }
  }

  /** A thread that ended since it was listed counts as 0. */
  private static double threadSeconds(Path task) {
    try {
      return statSeconds(Files.readString(task.resolve("stat")));
    } catch (IOException gone) {
      return 0;
    }
  }

  private static double statSeconds(String stat) {
    String[] f = fields(stat);
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
  }

  /** The fields after the parenthesised command name: state [0], ppid [1], utime [11], stime [12], cutime [13], cstime [14]. */
  private static String[] fields(String stat) {
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }
}
