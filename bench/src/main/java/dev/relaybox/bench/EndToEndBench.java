package dev.relaybox.bench;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Send→delivered latency at a steady request rate. An open-loop generator fires {@code POST /v1/assistance-requests} on
 * a fixed schedule (each request on its own virtual thread, so a slow answer never delays the next send) and notes when
 * each request was due; the sink notes when Slack's message for that request id arrived. Both use this JVM's {@link
 * System#nanoTime()}, so intake time is inside the figure, and so is any delay in sending it (a late virtual thread, a
 * new connection), which would otherwise hide a stalled service's queue from its own latency. Also the jar's CPU time (utime + stime of its {@code
 * /proc/<pid>/stat}) from just before the first send to the last delivery, per delivered request.
 */
final class EndToEndBench {
  private static final Logger LOG = LoggerFactory.getLogger(EndToEndBench.class);
  /** How long the sink keeps counting repeats after the last first arrival. */
  static final java.time.Duration DUPLICATE_WATCH = java.time.Duration.ofSeconds(5);

  record Result(double p50Millis, double p99Millis, double maxMillis, long accepted, long delivered, long failed,
      double achievedRate, long duplicates, double cpuMicrosPerDelivered, double compilerMicrosPerDelivered,
      double gcMicrosPerDelivered, double benchCpuMicrosPerDelivered, double serverCpuMicrosPerDelivered,
      double machineBusyShare) {
    long lost() {
      return accepted - delivered;
    }
  }

  private final AppConfig config;
  private final Sink sink;

  EndToEndBench(AppConfig config, Sink sink) {
    this.config = config;
    this.sink = sink;
  }

  /** {@code postmaster}: the database server's, when it runs on this machine, to measure its CPU too. */
  Result run(String baseUrl, long jarPid, OptionalLong postmaster, int rate, int seconds) throws InterruptedException {
    OpenLoopClient client = new OpenLoopClient(URI.create(baseUrl + "/v1/assistance-requests"),
        "Bearer " + config.apiKey(), IntakeBench.BODY, 30_000);
    ConcurrentHashMap<String, Long> arrivals = sink.record();
    ConcurrentHashMap<String, Long> accepted = new ConcurrentHashMap<>();
    AtomicLong failed = new AtomicLong();
    ConcurrentHashMap<String, AtomicLong> failures = new ConcurrentHashMap<>();
    long total = (long) rate * seconds;
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    JarCpu.Usage before = JarCpu.Usage.now(jarPid, postmaster);
    JarCpu.JvmThreads jvmBefore = JarCpu.jvmThreads(jarPid);
    long self = ProcessHandle.current().pid();
    double benchCpuBefore = JarCpu.seconds(self);
    long begin = System.nanoTime();
    long lastSend = begin;
    try (client; ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
      for (long i = 0; i < total; i++) {
        long due = begin + i * interval;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        senders.execute(() -> {
          try {
            OpenLoopClient.Response response = client.post();
            if (response.status() == 202) {
              accepted.put(id(response.body()), due);
            } else {
              failed.incrementAndGet();
              failures.computeIfAbsent("HTTP " + response.status(), k -> new AtomicLong()).incrementAndGet();
            }
          } catch (IOException e) {
            failed.incrementAndGet();
            failures.computeIfAbsent(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                k -> new AtomicLong()).incrementAndGet();
          }
        });
      }
      lastSend = System.nanoTime();
    }
    double sendSeconds = (lastSend - begin) / 1e9;
    // Wait for the deliveries still under way (at most 60 s past the last answer).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!arrivals.keySet().containsAll(accepted.keySet()) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    JarCpu.Usage used = JarCpu.Usage.now(jarPid, postmaster).minus(before);
    JarCpu.JvmThreads jvm = JarCpu.jvmThreads(jarPid).minus(jvmBefore);
    double benchCpuSeconds = JarCpu.seconds(self) - benchCpuBefore;
    // A repeat arrives after the first copy: a retry after an answer lost on the way back comes one backoff later.
    Thread.sleep(DUPLICATE_WATCH.toMillis());
    sink.stopRecording();
    List<Double> latencies = new ArrayList<>(accepted.size());
    long delivered = 0;
    for (Map.Entry<String, Long> e : accepted.entrySet()) {
      Long arrived = arrivals.get(e.getKey());
      if (arrived != null) {
        delivered++;
        latencies.add((arrived - e.getValue()) / 1e6);
      }
    }
    double[] ms = latencies.stream().mapToDouble(Double::doubleValue).toArray();
    double max = latencies.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    Result r = new Result(Stats.percentile(ms, 50), Stats.percentile(ms, 99), max, accepted.size(), delivered, failed.get(),
        (total - 1) / sendSeconds, sink.duplicates(), perDelivered(used.jarSeconds(), delivered),
        perDelivered(jvm.compilerSeconds(), delivered), perDelivered(jvm.gcSeconds(), delivered),
        perDelivered(benchCpuSeconds, delivered), perDelivered(used.serverSeconds(), delivered), used.busyShare());
    LOG.info("e2e {}/s: accepted {}, delivered {}, lost {}, duplicates {}, failed {}, p50 {} ms, p99 {} ms, max {} ms, achieved {}/s, "
            + "jar CPU {} µs per delivered request (of which its JIT compiler {}, its GC {})", rate, r.accepted(), r.delivered(),
        r.lost(), r.duplicates(), r.failed(), fmt(r.p50Millis()), fmt(r.p99Millis()), fmt(r.maxMillis()),
        fmt(r.achievedRate()), fmt(r.cpuMicrosPerDelivered()), fmt(r.compilerMicrosPerDelivered()),
        fmt(r.gcMicrosPerDelivered()));
    // The client and the sink run on the jar's two cores: what they cost is CPU the jar did not get.
    LOG.info("e2e {}/s: this bench JVM (open-loop client and Slack sink) used {} µs of CPU per delivered request, "
        + "PostgreSQL {} µs (all its processes; NaN: not on this machine); the machine was {} % busy (all cores, send to "
        + "last delivery)", rate, fmt(r.benchCpuMicrosPerDelivered()), fmt(r.serverCpuMicrosPerDelivered()),
        fmt(100 * r.machineBusyShare()));
    if (sink.unparsed() > 0) {
      LOG.warn("e2e {}/s: {} messages at the sink carried no request id", rate, sink.unparsed());
    }
    if (!failures.isEmpty()) {
      LOG.info("e2e {}/s: the failed requests were {}", rate, new java.util.TreeMap<>(failures));
    }
    return r;
  }

  private static double perDelivered(double seconds, long delivered) {
    return delivered == 0 ? Double.NaN : seconds * 1e6 / delivered;
  }

  private static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.2f", v);
  }

  /** The id out of {@code {"id":"…",…}} without a JSON parser on the hot path. */
  private static String id(String body) {
    int key = body.indexOf("\"id\"");
    int start = body.indexOf('"', body.indexOf(':', key) + 1) + 1;
    return body.substring(start, body.indexOf('"', start));
  }
}
