package dev.relaybox.application.assistance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.LeaseLostException;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.port.out.NotCommittedException;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.domain.assistance.AssistanceRequest;
import dev.relaybox.domain.assistance.AssistanceStatus;
import dev.relaybox.domain.assistance.Description;
import dev.relaybox.domain.assistance.Topic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeliverAssistanceRequestTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  private final InMemoryTransactions unitOfWork = new InMemoryTransactions();
  private final List<JobRef> lostLeases = new ArrayList<>();
  /** Leases in {@code lostLeases} were cancelled, rescued or timed out; every other lease is still held. */
  private final InMemoryAssistanceRequests requests = new InMemoryAssistanceRequests(unitOfWork, job -> !lostLeases.contains(job));

  /** A channel that answers with the scripted outcomes in order, repeating the last one. */
  static final class ScriptedChannel implements NotificationChannel {
    private final String name;
    private final Deque<Outcome> script;
    int sends;

    ScriptedChannel(String name, Outcome... outcomes) {
      this.name = name;
      this.script = new ArrayDeque<>(List.of(outcomes));
    }

    @Override public String name() {
      return name;
    }

    @Override public Outcome send(dev.relaybox.application.assistance.port.out.Notification n) {
      sends++;
      return script.size() > 1 ? script.poll() : script.peek();
    }
  }

  private DeliverAssistanceRequest handler(ScriptedChannel... channels) {
    Map<String, NotificationChannel> byName = new java.util.HashMap<>();
    for (ScriptedChannel c : channels) byName.put(c.name(), c);
    return new DeliverAssistanceRequest(unitOfWork, requests, RoutingTable.parse("sales=slack,email;pricing=email"),
        byName, new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(10), 3), CLOCK, new SplittableRandom(7));
  }

  private UUID stored(String topic) {
    UUID id = UUID.randomUUID();
    unitOfWork.inTransaction(() -> requests.add(
        AssistanceRequest.received(id, Topic.parse(topic), new Description("help"), "{}", CLOCK.instant(), "req-1")));
    return id;
  }

  private static ClaimedJob job(UUID id, int attempt) {
    return new ClaimedJob(1, DeliverAssistanceRequest.SUBSCRIPTION, Optional.of(UUID.randomUUID()), Optional.of("assistance.requested"),
        Optional.of(id.toString()), "{}", Map.of(), attempt, 100L + attempt, CLOCK.instant(), CLOCK.instant().plusSeconds(30));
  }

  @Test
  void deliversThroughThePrimaryChannelAndRecordsTheDeliveryBeforeTheEngineCompletesTheJob() {
    UUID id = stored("sales");
    Outcome outcome = handler(new ScriptedChannel("slack", Outcome.done()), new ScriptedChannel("email", Outcome.done())).handle(job(id, 1));

    assertInstanceOf(Outcome.Done.class, outcome, "the engine completes the job, fenced by its lease token");
    var request = requests.find(id).orElseThrow();
    assertEquals(AssistanceStatus.DELIVERED, request.status());
    assertEquals(Optional.of("slack"), request.channel());
    assertTrue(unitOfWork.committedTransactions().containsKey("markDelivered"), "the delivery is committed before the handler returns");
  }

  @Test
  void aJobThatRunsAgainAfterTheDeliveryWasRecordedCompletesWithoutSending() {
    UUID id = stored("sales");
    var slack = new ScriptedChannel("slack", Outcome.done());
    var handler = handler(slack, new ScriptedChannel("email", Outcome.done()));
    handler.handle(job(id, 1)); // delivered; the node dies before the engine's completion batch is written

    assertInstanceOf(Outcome.Done.class, handler.handle(job(id, 2)));
    assertEquals(1, slack.sends);
  }

  @Test
  void aDeliveryWhoseRecordIsRefusedForAMomentIsRecordedWithoutSendingAgain() {
    UUID id = stored("sales");
    var slack = new ScriptedChannel("slack", Outcome.done());
    int[] refusalsLeft = {2}; // a paused node's transaction holds the row until the database ends its session
    UnitOfWork refusingAfterTheSend = new UnitOfWork() {
      @Override
      public <T> T inTransaction(java.util.function.Supplier<T> work) {
        if (slack.sends > 0 && refusalsLeft[0]-- > 0) {
          throw new NotCommittedException("the database refused the request for now (55P03)");
        }
        return unitOfWork.inTransaction(work);
      }
    };
    var handler = new DeliverAssistanceRequest(refusingAfterTheSend, requests, RoutingTable.parse("sales=slack"),
        Map.of("slack", slack), new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(10), 3), CLOCK, new SplittableRandom(7));

    assertInstanceOf(Outcome.Done.class, handler.handle(job(id, 1)));

    assertEquals(1, slack.sends);
    assertEquals(AssistanceStatus.DELIVERED, requests.find(id).orElseThrow().status());
  }

  @Test
  void sendsNothingWhenTheLeaseWasLostBeforeTheSend() {
    UUID id = stored("sales");
    var slack = new ScriptedChannel("slack", Outcome.done());
    ClaimedJob job = job(id, 1);
    lostLeases.add(job.ref()); // cancelled, rescued or timed out while the request was being read

    assertThrows(LeaseLostException.class, () -> handler(slack, new ScriptedChannel("email", Outcome.done())).handle(job));

    assertEquals(0, slack.sends);
    assertEquals(AssistanceStatus.PENDING, requests.find(id).orElseThrow().status());
  }

  @Test
  void aRefusalByTheChannelsOwnLimitsDefersWithoutSpendingAnAttemptOrFallingBack() {
    UUID id = stored("sales");
    var slack = new ScriptedChannel("slack", Outcome.defer(Duration.ofSeconds(4), "rate limited"), Outcome.done());
    var email = new ScriptedChannel("email", Outcome.done());
    var handler = handler(slack, email);

    var deferred = assertInstanceOf(Outcome.Defer.class, handler.handle(job(id, 1)));
    assertEquals(Duration.ofSeconds(4), deferred.after(), "back when the permit is due");
    var request = requests.find(id).orElseThrow();
    assertEquals(0, request.channelAttempts(), "nothing was sent: no channel attempt spent");
    assertEquals(0, request.routeIndex(), "and no fallback");
    assertEquals(0, email.sends);

    assertInstanceOf(Outcome.Done.class, handler.handle(job(id, 1)));
    assertEquals(Optional.of("slack"), requests.find(id).orElseThrow().channel());
  }

  @Test
  void retriesATransientFailureWithBackoffAndThenDelivers() {
    UUID id = stored("sales");
    var slack = new ScriptedChannel("slack", Outcome.retry("slack 500"), Outcome.done());
    var handler = handler(slack, new ScriptedChannel("email", Outcome.done()));

    Outcome first = handler.handle(job(id, 1));
    var retry = assertInstanceOf(Outcome.Retry.class, first);
    assertTrue(retry.after().orElseThrow().compareTo(Duration.ofSeconds(1)) <= 0, "first backoff is within the 1 s base");
    assertEquals(1, requests.find(id).orElseThrow().channelAttempts());

    assertInstanceOf(Outcome.Done.class, handler.handle(job(id, 2)));
    assertEquals(Optional.of("slack"), requests.find(id).orElseThrow().channel());
    assertEquals(2, slack.sends);
  }

  @Test
  void honoursTheThirdPartysRetryAfter() {
    UUID id = stored("sales");
    Outcome outcome = handler(new ScriptedChannel("slack", Outcome.retryAfter(Duration.ofSeconds(7), "slack 429")),
        new ScriptedChannel("email", Outcome.done())).handle(job(id, 1));
    assertEquals(Optional.of(Duration.ofSeconds(7)), assertInstanceOf(Outcome.Retry.class, outcome).after());
  }

  @Test
  void fallsBackAtOnceWhenThePrimaryFailsPermanently() {
    UUID id = stored("sales");
    var email = new ScriptedChannel("email", Outcome.done());
    var handler = handler(new ScriptedChannel("slack", Outcome.fail("slack rejected 404: no_service")), email);

    var retry = assertInstanceOf(Outcome.Retry.class, handler.handle(job(id, 1)));
    assertEquals(Optional.of(Duration.ZERO), retry.after());
    assertEquals(1, requests.find(id).orElseThrow().routeIndex());

    assertInstanceOf(Outcome.Done.class, handler.handle(job(id, 2)));
    assertEquals(Optional.of("email"), requests.find(id).orElseThrow().channel());
  }

  @Test
  void fallsBackWhenThePrimaryRunsOutOfAttempts() {
    UUID id = stored("sales");
    var slack = new ScriptedChannel("slack", Outcome.retry("slack 503"));
    var handler = handler(slack, new ScriptedChannel("email", Outcome.done()));
    int attempt = 1;
    while (requests.find(id).orElseThrow().routeIndex() == 0) {
      handler.handle(job(id, attempt++));
    }
    assertEquals(3, slack.sends, "three attempts on slack, as the policy allows");
    assertInstanceOf(Outcome.Done.class, handler.handle(job(id, attempt)));
    assertEquals(Optional.of("email"), requests.find(id).orElseThrow().channel());
  }

  @Test
  void failsTheRequestWhenEveryChannelGivesUpAndStartsOverOnReplay() {
    UUID id = stored("pricing");
    var email = new ScriptedChannel("email", Outcome.fail("550 mailbox unavailable"), Outcome.done());
    var handler = handler(new ScriptedChannel("slack", Outcome.done()), email);

    assertInstanceOf(Outcome.Fail.class, handler.handle(job(id, 1)));
    assertEquals(AssistanceStatus.FAILED, requests.find(id).orElseThrow().status());

    assertInstanceOf(Outcome.Done.class, handler.handle(job(id, 1)), "a replayed job delivers once the channel recovers");
    assertEquals(AssistanceStatus.DELIVERED, requests.find(id).orElseThrow().status());
  }

  @Test
  void anAlreadyDeliveredRequestIsNotSentAgain() {
    UUID id = stored("pricing");
    var email = new ScriptedChannel("email", Outcome.done());
    var handler = handler(email);
    handler.handle(job(id, 1));
    assertInstanceOf(Outcome.Done.class, handler.handle(job(id, 2)));
    assertEquals(1, email.sends);
  }
}
