package dev.relaybox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // After the parenthesised command name: state is [0], utime [11], stime [12].
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
