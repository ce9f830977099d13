package dev.relaybox.domain.shared;

import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context {@code traceparent} (version 00): {@code 00-<trace-id 32 hex>-<parent-id 16 hex>-<flags 2 hex>}.
 * Relaybox keeps the caller's trace id, or starts a trace when the caller sent none, and names its own span.
 */
public record Traceparent(String traceId, String spanId, String flags) {
  private static final Pattern HEADER = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern FLAGS = Pattern.compile("[0-9a-f]{2}");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_SPAN = "0".repeat(16);

  public Traceparent {
    if (traceId == null || !TRACE_ID.matcher(traceId).matches() || traceId.equals(ZERO_TRACE)) {
      throw new IllegalArgumentException("trace id must be 32 lower-case hex digits, not all zero");
    }
    if (spanId == null || !SPAN_ID.matcher(spanId).matches() || spanId.equals(ZERO_SPAN)) {
      throw new IllegalArgumentException("span id must be 16 lower-case hex digits, not all zero");
    }
    if (flags == null || !FLAGS.matcher(flags).matches()) {
      throw new IllegalArgumentException("flags must be 2 hex digits");
    }
  }

  /** The header's value when it is a valid version-00 (or later, read as 00) traceparent; otherwise empty. */
  public static Optional<Traceparent> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    var m = HEADER.matcher(header.strip());
    if (!m.matches() || m.group(1).equals("ff")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Traceparent(m.group(2), m.group(3), m.group(4)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A new trace, sampled. */
  public static Traceparent start(RandomGenerator random) {
    return new Traceparent(hex(random, 16), hex(random, 8), "01");
  }

  /** A new span of the same trace: what this service sends downstream. */
  public Traceparent child(RandomGenerator random) {
    return new Traceparent(traceId, hex(random, 8), flags);
  }

  /** The trace id of a traceparent header, or empty when it is not one. */
  public static Optional<String> traceIdOf(String header) {
    return parse(header).map(Traceparent::traceId);
  }

  @Override
  public String toString() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }

  private static String hex(RandomGenerator random, int bytes) {
    byte[] b = new byte[bytes];
    do {
      random.nextBytes(b);
    } while (allZero(b));
    return HexFormat.of().formatHex(b);
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) return false;
    }
    return true;
  }
}
