package dev.relaybox.bench;

import java.util.Arrays;
import java.util.List;

/** Median and spread over repeated runs, and percentiles over one run's samples. */
record Stats(double median, double min, double max, List<Double> values) {

  static Stats of(List<Double> values) {
    if (values.isEmpty()) {
      return new Stats(Double.NaN, Double.NaN, Double.NaN, values);
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Stats(median, sorted[0], sorted[n - 1], List.copyOf(values));
  }

  /** Nearest-rank percentile of {@code samples} (sorted in place). */
  static double percentile(double[] samples, double p) {
    if (samples.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(samples);
    int rank = (int) Math.ceil(p / 100.0 * samples.length);
    return samples[Math.max(0, Math.min(samples.length - 1, rank - 1))];
  }
}
