package dev.relaybox.application.webhooks;

import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.purchase.BackendRetrySchedule;
import dev.relaybox.application.webhooks.OutboundUrlGuard.RefusedUrlException;
import dev.relaybox.application.webhooks.port.out.DeliveryListener;
import dev.relaybox.application.webhooks.port.out.WebhookEndpoints;
import dev.relaybox.application.webhooks.port.out.WebhookSender;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one event to one endpoint, signed, with {@code webhook-id} = the event id on every attempt. Failures follow
 * the Standard Webhooks schedule ({@link BackendRetrySchedule}) counted since the endpoint was last enabled; a 410, or
 * running out of the schedule, disables the endpoint. While it is disabled the delivery is deferred (no attempt
 * spent), so nothing dies; re-enabling wakes the backlog. Each attempt is recorded with its status and latency.
 */
public final class DeliverWebhook implements JobHandler {
  public static final String SUBSCRIPTION = WebhookJobs.DELIVERY_SUBSCRIPTION;
  private static final Logger LOG = LoggerFactory.getLogger(DeliverWebhook.class);

  private final WebhookEndpoints endpoints;
  private final Jobs jobs;
  private final WebhookSender sender;
  private final OutboundUrlGuard guard;
  private final BackendRetrySchedule schedule;
  private final TimeOrderedIds ids;
  private final Clock clock;
  private final RandomGenerator random;
  private final DeliveryListener listener;

  public DeliverWebhook(WebhookEndpoints endpoints, Jobs jobs, WebhookSender sender, OutboundUrlGuard guard,
      BackendRetrySchedule schedule, TimeOrderedIds ids, Clock clock, RandomGenerator random, DeliveryListener listener) {
    this.listener = listener;
    this.endpoints = endpoints;
    this.jobs = jobs;
    this.sender = sender;
    this.guard = guard;
    this.schedule = schedule;
    this.ids = ids;
    this.clock = clock;
    this.random = random;
  }

  /** The schedule decides when to give up (by disabling the endpoint), so the engine's own attempt limit is out of reach. */
  public static Subscription subscription(int concurrency) {
    return Subscription.forCommands(SUBSCRIPTION)
        .withRetry(new RetryPolicy(Duration.ofSeconds(1), Duration.ofHours(10), Integer.MAX_VALUE))
        .withConcurrency(concurrency)
        .withFifoPerKey(true)
        .withTimeout(Duration.ofSeconds(60));
  }

  @Override
  public Outcome handle(ClaimedJob job) {
    UUID endpointId = WebhookJobs.endpointOf(job);
    EventEnvelope envelope = WebhookJobs.envelopeOf(job);
    Optional<WebhookEndpoint> found = endpoints.find(endpointId);
    if (found.isEmpty()) {
      return Outcome.done();
    }
    WebhookEndpoint endpoint = found.get();
    if (!endpoint.enabled()) {
      return Outcome.defer(schedule.whileDisabled(), "endpoint disabled: " + endpoint.disabledReason().orElse(""));
    }
    // The schedule restarts when the endpoint is enabled again and when the event is queued anew (a replay is a new
    // job): an event that failed five times last week starts again at the first step, not the sixth.
    Instant countFrom = job.createdAt().isAfter(endpoint.enabledSince()) ? job.createdAt() : endpoint.enabledSince();
    int attempt = endpoints.failuresSince(endpointId, envelope.id(), countFrom) + 1;
    Instant started = clock.instant();
    WebhookSender.Delivery delivery;
    try {
      URI url = endpoint.managed() ? URI.create(endpoint.url()) : guard.check(endpoint.url());
      jobs.ensureHeld(job.ref()); // a stale handler (its lease taken over) stops here instead of posting out of turn
      delivery = sender.send(url, endpoint.signingSecrets(started), envelope);
    } catch (RefusedUrlException e) {
      delivery = new WebhookSender.Delivery(0, "refused before sending: " + e.getMessage(), Duration.ZERO, Optional.empty());
    }
    DeliveryAttempt recorded = new DeliveryAttempt(ids.next(), endpointId, envelope.id(), envelope.type(), envelope.key(), attempt,
        delivery.status(), delivery.succeeded(), delivery.summary(), delivery.latency().toMillis(), started);
    endpoints.record(recorded);
    listener.attempted(endpoint, envelope, recorded);
    if (delivery.succeeded()) {
      return Outcome.done();
    }
    if (delivery.status() == 410) {
      disable(endpoint, "the endpoint answered 410 Gone to " + envelope.id());
      return Outcome.defer(schedule.whileDisabled(), "endpoint answered 410: disabled");
    }
    Optional<Duration> wait = schedule.after(attempt, random);
    if (wait.isEmpty()) {
      disable(endpoint, "delivery of " + envelope.id() + " failed " + attempt + " times over the whole retry schedule");
      return Outcome.defer(schedule.whileDisabled(), "retry schedule used up: endpoint disabled");
    }
    Duration delay = delivery.retryAfter().filter(r -> r.compareTo(wait.get()) > 0).orElse(wait.get());
    return Outcome.retryAfter(delay, "endpoint: " + delivery.summary());
  }

  private void disable(WebhookEndpoint endpoint, String reason) {
    if (endpoints.disable(endpoint.id(), reason, clock.instant())) {
      LOG.warn("webhook endpoint {} ({}) disabled: {}. Its deliveries wait until it is enabled again", endpoint.id(),
          endpoint.name().orElse(endpoint.url()), reason);
    }
  }
}
