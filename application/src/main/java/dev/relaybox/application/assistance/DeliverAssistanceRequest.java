package dev.relaybox.application.assistance;

import dev.relaybox.application.assistance.port.out.AssistanceRequests;
import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.CancelledJob;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.EventFilter;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.NotCommittedException;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.domain.assistance.AssistanceRequest;
import dev.relaybox.domain.shared.Traceparent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one assistance request along its route. Each channel gets up to {@code perChannel.maxAttempts()} sends
 * with backoff; a permanent failure or running out of attempts moves the request to the next channel at once; when
 * the last channel gives up the request is failed and this job goes dead, ready for replay, which starts the route
 * again. The delivery is recorded right after the send and before the job completes, so a rerun never sends twice.
 */
public final class DeliverAssistanceRequest implements JobHandler {
  public static final String SUBSCRIPTION = "assistance.delivery";
  private static final Logger LOG = LoggerFactory.getLogger(DeliverAssistanceRequest.class);
  /**
   * How long a sent request's record may be retried before the job is given up to a rerun, which sends again. The
   * usual obstacle is a row lock held by a node paused mid-transaction after its lease ran out; the database ends
   * such a session within its idle limit (5 s), so about fifteen seconds of tries outlast it.
   */
  private static final RetryPolicy RECORDING = new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(2), 8);

  private final UnitOfWork unitOfWork;
  private final AssistanceRequests requests;
  private final RoutingTable routing;
  private final Map<String, NotificationChannel> channels;
  private final RetryPolicy perChannel;
  private final Clock clock;
  private final RandomGenerator random;

  public DeliverAssistanceRequest(UnitOfWork unitOfWork, AssistanceRequests requests, RoutingTable routing,
      Map<String, NotificationChannel> channels, RetryPolicy perChannel, Clock clock, RandomGenerator random) {
    this.unitOfWork = unitOfWork;
    this.requests = requests;
    this.routing = routing;
    this.channels = Map.copyOf(channels);
    this.perChannel = perChannel;
    this.clock = clock;
    this.random = random;
  }

  /**
   * The engine's own attempt limit is generous: this handler counts attempts per channel itself and decides when the
   * request is out of options.
   */
  public static Subscription subscription(int concurrency, Duration timeout) {
    return new Subscription(SUBSCRIPTION, Optional.of(new EventFilter("assistance.requested")),
        new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(10), 1_000), concurrency, false, timeout);
  }

  @Override
  public Outcome handle(ClaimedJob job) {
    UUID id = UUID.fromString(job.key().orElseThrow(() -> new IllegalArgumentException("job " + job.id() + " has no request id")));
    // Read with the lease check in one round trip: a handler whose job was cancelled, rescued or timed out meanwhile
    // stops here instead of sending a duplicate.
    Optional<AssistanceRequest> found = requests.findWhileHeld(id, job.ref());
    if (found.isEmpty()) {
      return Outcome.fail("assistance request " + id + " does not exist");
    }
    AssistanceRequest request = found.get();
    if (request.isDelivered()) {
      return Outcome.done();
    }
    if (request.isFailed()) {
      unitOfWork.inTransaction(() -> requests.restart(id, job.ref()));
      request = requests.findWhileHeld(id, job.ref()).orElseThrow();
      LOG.info("assistance request {} replayed: starting its route again", id);
    }
    return deliver(job, request);
  }

  /**
   * The request fails with the operator's reason, so a client polling it stops waiting; a send under way when the
   * job was cancelled may still have arrived. A replay of the job starts the route again, as for any failed request.
   */
  @Override
  public void cancelled(CancelledJob job) {
    job.key().map(UUID::fromString).ifPresent(id -> requests.markAbandoned(id, "delivery cancelled by an operator"));
  }

  private Outcome deliver(ClaimedJob job, AssistanceRequest request) {
    UUID id = request.id();
    List<String> route = routing.channelsFor(request.topic()).orElse(List.of());
    if (request.routeIndex() >= route.size()) {
      return giveUp(request, "no channel is routed for topic '" + request.topic() + "'");
    }
    String channelName = route.get(request.routeIndex());
    NotificationChannel channel = channels.get(channelName);
    if (channel == null) {
      return moveOn(request, route, "channel '" + channelName + "' is not configured");
    }
    Outcome outcome = channel.send(notification(request, job));
    return switch (outcome) {
      case Outcome.Done done -> {
        // Recorded at once, on its own; the engine completes the job in its next batch. A job that runs again after a
        // crash in between finds the request delivered and completes without sending, and a lease lost during the
        // send changes nothing here: the delivery happened, and the engine's fenced completion refuses the stale job.
        recordDelivered(id, channelName);
        LOG.info("assistance request {} delivered by {}", id, channelName);
        yield done;
      }
      case Outcome.Retry retry when request.channelAttempts() + 1 >= perChannel.maxAttempts() ->
          moveOn(request, route, channelName + " gave up after " + perChannel.maxAttempts() + " attempts: " + retry.reason());
      case Outcome.Retry retry -> {
        unitOfWork.inTransaction(() -> requests.recordFailedAttempt(id, channelName + ": " + retry.reason()));
        Duration delay = perChannel.delayAfter(request.channelAttempts() + 1, retry.after(), random);
        yield Outcome.retryAfter(delay, channelName + ": " + retry.reason());
      }
      case Outcome.Defer defer -> defer; // held back locally: nothing was sent, so no channel attempt is spent
      case Outcome.Fail fail -> moveOn(request, route, channelName + " failed permanently: " + fail.reason());
    };
  }

  /** The send is done: a failure to record it must not become a rerun that sends again, while retrying can help. */
  private void recordDelivered(UUID id, String channelName) {
    for (int attempt = 1; ; attempt++) {
      try {
        unitOfWork.inTransaction(() -> requests.markDelivered(id, channelName, clock.instant()));
        return;
      } catch (NotCommittedException notYet) {
        if (RECORDING.exhausted(attempt)) {
          throw notYet;
        }
        LOG.warn("assistance request {} was sent by {} but its delivery is not recorded yet ({}); trying again",
            id, channelName, notYet.getMessage());
        try {
          Thread.sleep(RECORDING.delayAfter(attempt, Optional.empty(), random));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw notYet;
        }
      }
    }
  }

  private Outcome moveOn(AssistanceRequest request, List<String> route, String reason) {
    int next = request.routeIndex() + 1;
    if (next >= route.size()) {
      return giveUp(request, reason);
    }
    unitOfWork.inTransaction(() -> requests.moveToChannel(request.id(), next, reason));
    LOG.warn("assistance request {}: {}; falling back to {}", request.id(), reason, route.get(next));
    return Outcome.retryAfter(Duration.ZERO, reason + "; falling back to " + route.get(next));
  }

  private Outcome giveUp(AssistanceRequest request, String reason) {
    unitOfWork.inTransaction(() -> requests.markFailed(request.id(), reason));
    LOG.warn("assistance request {} failed on every channel: {}", request.id(), reason);
    return Outcome.fail("every channel failed; last: " + reason);
  }

  /** The outgoing call is a new span of the trace that the intake request started or joined. */
  private Notification notification(AssistanceRequest request, ClaimedJob job) {
    String traceparent = job.header(OutboxEvent.TRACEPARENT_HEADER).flatMap(Traceparent::parse)
        .map(parent -> parent.child(random).toString()).orElse("");
    return new Notification(request.id(), request.topic().value(), request.description().value(), request.metadataJson(),
        request.createdAt(), request.correlationId(), traceparent, job.leaseUntil());
  }
}
