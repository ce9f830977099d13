package dev.relaybox.adapters.metrics;

import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.function.Supplier;

/**
 * Counts what a channel made of each send, {@code relaybox_channel_sends_total{channel,result}} with result
 * {@code done}, {@code retry} or {@code fail}, and times it ({@code relaybox_channel_send_duration_seconds}). Wrap
 * it around the resilient channel so refusals (circuit open, rate limited) count as what the caller saw.
 */
public final class MeteredChannel implements NotificationChannel {
  private final NotificationChannel delegate;
  private final Counter done;
  private final Counter retry;
  private final Counter fail;
  private final Counter deferred;
  private final Timer duration;

  public MeteredChannel(NotificationChannel delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.done = sends(registry, "done");
    this.retry = sends(registry, "retry");
    this.fail = sends(registry, "fail");
    this.deferred = sends(registry, "deferred");
    this.duration = Timer.builder("relaybox.channel.send.duration")
        .description("How long one send took, limits included")
        .tag("channel", delegate.name())
        .publishPercentileHistogram()
        .register(registry);
  }

  /**
   * {@code relaybox_channel_circuit_state{channel,state}}: 1 for the state the channel's circuit breaker is in, 0 for
   * the others; {@code state} reads the current one (e.g. {@code closed}, {@code open}, {@code half-open}).
   */
  public static void circuitState(MeterRegistry registry, String channel, List<String> states, Supplier<String> state) {
    circuitState(registry, "relaybox.channel.circuit.state", "channel", channel, states, state);
  }

  /** The one circuit-state gauge: {@code name{tag=owner,state}} is 1 for the state {@code state} reads, 0 for the others. */
  static void circuitState(MeterRegistry registry, String name, String tag, String owner, List<String> states, Supplier<String> state) {
    for (String s : states) {
      Gauge.builder(name, state, current -> s.equals(current.get()) ? 1 : 0)
          .description("1 when the " + tag + "'s circuit breaker is in this state")
          .tags(tag, owner, "state", s)
          .strongReference(true)
          .register(registry);
    }
  }

  private Counter sends(MeterRegistry registry, String result) {
    return Counter.builder("relaybox.channel.sends")
        .description("Sends per channel by result")
        .tags("channel", delegate.name(), "result", result)
        .register(registry);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Outcome send(Notification notification) {
    long started = System.nanoTime();
    Outcome outcome = delegate.send(notification);
    duration.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    switch (outcome) {
      case Outcome.Done d -> done.increment();
      case Outcome.Retry r -> retry.increment();
      case Outcome.Fail f -> fail.increment();
      case Outcome.Defer d -> deferred.increment();
      case null -> retry.increment();
    }
    return outcome;
  }
}
