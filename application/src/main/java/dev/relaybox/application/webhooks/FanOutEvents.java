package dev.relaybox.application.webhooks;

import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.EventFilter;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.application.webhooks.port.out.EventHistory;
import dev.relaybox.application.webhooks.port.out.WebhookEndpoints;
import java.time.Duration;
import java.util.Optional;

/**
 * The engine's one subscription for webhook endpoints: it receives every event ({@code *}) and, in one transaction
 * with its own completion, enqueues one delivery job per endpoint that wants the event type. Endpoints come and go at
 * run time while the engine's subscriptions are fixed at start; this handler is the bridge, and the relay creates its
 * jobs only for the event types some endpoint wants ({@link WebhookEndpointService} keeps that interest current). FIFO per event key, so
 * each key's deliveries are enqueued in the order the events were published.
 */
public final class FanOutEvents implements JobHandler {
  public static final String SUBSCRIPTION = "webhooks";

  private final UnitOfWork unitOfWork;
  private final WebhookEndpoints endpoints;
  private final EventHistory history;
  private final Jobs jobs;

  public FanOutEvents(UnitOfWork unitOfWork, WebhookEndpoints endpoints, EventHistory history, Jobs jobs) {
    this.unitOfWork = unitOfWork;
    this.endpoints = endpoints;
    this.history = history;
    this.jobs = jobs;
  }

  public static Subscription subscription() {
    return new Subscription(SUBSCRIPTION, Optional.of(new EventFilter("*")),
        new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 1000), 16, true, Duration.ofSeconds(30));
  }

  @Override
  public Outcome handle(ClaimedJob job) {
    EventEnvelope relayed = WebhookJobs.envelopeOfEvent(job);
    // the job was created when the event was relayed; the envelope says when it was published, as a replay does
    EventEnvelope envelope = new EventEnvelope(relayed.id(), relayed.type(), history.occurredAt(relayed.id()).orElse(relayed.occurredAt()),
        relayed.key(), relayed.correlationId(), relayed.dataJson());
    unitOfWork.inTransaction(() -> {
      for (WebhookEndpoint endpoint : endpoints.all()) {
        if (endpoint.wants(envelope.type()) && !endpoint.createdAt().isAfter(envelope.occurredAt())) {
          jobs.enqueue(WebhookJobs.delivery(endpoint.id(), envelope));
        }
      }
      jobs.markDone(job.ref());
    });
    return Outcome.done();
  }
}
