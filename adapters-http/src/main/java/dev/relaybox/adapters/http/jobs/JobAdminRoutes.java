package dev.relaybox.adapters.http.jobs;

import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.http.shared.Problem;
import dev.relaybox.adapters.http.shared.ProblemException;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.application.jobs.JobQuery;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.ReplayFilter;
import dev.relaybox.application.jobs.port.in.BackfillSubscriptionUseCase;
import dev.relaybox.application.jobs.port.in.BackfillSubscriptionUseCase.BackfillSubscriptionCommand;
import dev.relaybox.application.jobs.port.in.CancelJobCommand;
import dev.relaybox.application.jobs.port.in.CancelJobUseCase;
import dev.relaybox.application.jobs.port.in.InspectJobsUseCase;
import dev.relaybox.application.jobs.port.in.ReplayDeadJobsCommand;
import dev.relaybox.application.jobs.port.in.ReplayDeadJobsUseCase;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import dev.relaybox.application.jobs.port.in.ObserveThroughputUseCase;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The admin API over jobs: list, inspect with history, replay dead letters, cancel, stats, throughput, backfill. */
public final class JobAdminRoutes implements RouteModule {
  private final InspectJobsUseCase inspect;
  private final ReplayDeadJobsUseCase replay;
  private final CancelJobUseCase cancel;
  private final BackfillSubscriptionUseCase backfill;
  private final JsonBodies bodies;
  private final ObserveThroughputUseCase throughput;

  public JobAdminRoutes(InspectJobsUseCase inspect, ReplayDeadJobsUseCase replay, CancelJobUseCase cancel,
      BackfillSubscriptionUseCase backfill, JsonBodies bodies) {
    this(inspect, replay, cancel, backfill, bodies, List::of);
  }

  public JobAdminRoutes(InspectJobsUseCase inspect, ReplayDeadJobsUseCase replay, CancelJobUseCase cancel,
      BackfillSubscriptionUseCase backfill, JsonBodies bodies, ObserveThroughputUseCase throughput) {
    this.throughput = throughput;
    this.inspect = inspect;
    this.replay = replay;
    this.cancel = cancel;
    this.backfill = backfill;
    this.bodies = bodies;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/admin/jobs", this::list);
    routes.get("/admin/jobs/{id}", this::find);
    routes.post("/admin/jobs/replay", this::replayByFilter);
    routes.post("/admin/jobs/cancel", this::cancelByDedupeKey);
    routes.post("/admin/jobs/{id}/replay", this::replayOne);
    routes.post("/admin/jobs/{id}/cancel", this::cancelOne);
    routes.get("/admin/stats", this::stats);
    routes.get("/admin/throughput", this::throughput);
    routes.post("/admin/subscriptions/{name}/backfill", this::backfill);
  }

  private void list(Context ctx) {
    Optional<JobState> state = Optional.ofNullable(ctx.queryParam("state")).filter(s -> !s.isBlank()).map(JobAdminRoutes::state);
    Optional<String> subscription = Optional.ofNullable(ctx.queryParam("subscription")).filter(s -> !s.isBlank()).map(String::strip);
    subscription.ifPresent(this::requireKnown);
    int limit = Optional.ofNullable(ctx.queryParam("limit")).map(v -> number("limit", v, 1, JobQuery.MAX_LIMIT)).orElse(50);
    Optional<Long> cursor = Optional.ofNullable(ctx.queryParam("cursor")).filter(s -> !s.isBlank())
        .map(v -> (long) number("cursor", v, 1, Long.MAX_VALUE));
    Optional<String> key = Optional.ofNullable(ctx.queryParam("key")).filter(s -> !s.isBlank()).map(String::strip);
    var page = inspect.list(new JobQuery(state, subscription, limit, cursor, key));
    ctx.json(new JobViews.PageView(page.jobs().stream().map(JobViews.JobView::of).toList(),
        page.nextBeforeId().map(String::valueOf).orElse(null)));
  }

  private void find(Context ctx) {
    long id = id(ctx);
    ctx.json(inspect.find(id).map(JobViews.JobDetailView::of).orElseThrow(() -> ProblemException.notFound("no job " + id)));
  }

  private void replayOne(Context ctx) {
    long id = id(ctx);
    int replayed = replay.replay(new ReplayDeadJobsCommand.ById(id));
    if (replayed == 0) {
      throw inspect.find(id).isPresent()
          ? conflict("job " + id + " is not dead or cancelled (or its dedupe key is held by a newer job), so it cannot be replayed")
          : ProblemException.notFound("no job " + id);
    }
    ctx.json(Map.of("replayed", replayed));
  }

  private void replayByFilter(Context ctx) {
    JobViews.ReplayRequest request = bodies.read(ctx, JobViews.ReplayRequest.class);
    Optional.ofNullable(request.subscription()).ifPresent(this::requireKnown);
    ReplayFilter filter;
    try {
      filter = new ReplayFilter(Optional.ofNullable(request.subscription()), Optional.ofNullable(request.diedFrom()),
          Optional.ofNullable(request.diedUntil()), request.limit() == null ? 1_000 : request.limit());
    } catch (IllegalArgumentException e) {
      throw ProblemException.invalid(e.getMessage().startsWith("limit") ? "limit" : "diedUntil", e.getMessage());
    }
    ctx.json(Map.of("replayed", replay.replay(new ReplayDeadJobsCommand.ByFilter(filter))));
  }

  private void cancelOne(Context ctx) {
    long id = id(ctx);
    int cancelled = cancel.cancel(new CancelJobCommand.ById(id));
    if (cancelled == 0) {
      throw inspect.find(id).isPresent()
          ? conflict("job " + id + " is already finished")
          : ProblemException.notFound("no job " + id);
    }
    ctx.json(Map.of("cancelled", cancelled));
  }

  private void cancelByDedupeKey(Context ctx) {
    JobViews.CancelRequest request = bodies.read(ctx, JobViews.CancelRequest.class);
    if (request.subscription() == null || request.subscription().isBlank()) {
      throw ProblemException.invalid("subscription", "is required");
    }
    if (request.dedupeKey() == null || request.dedupeKey().isBlank()) {
      throw ProblemException.invalid("dedupeKey", "is required");
    }
    requireKnown(request.subscription());
    int cancelled = cancel.cancel(new CancelJobCommand.ByDedupeKey(request.subscription(), request.dedupeKey()));
    if (cancelled == 0) {
      // Not a 200 with nothing done: an operator who named the wrong key (or a subscription whose jobs have none, as
      // assistance deliveries) must not read it as "stopped" while the job still runs.
      throw ProblemException.notFound("no waiting or running job of '" + request.subscription()
          + "' holds that dedupe key (jobs without a dedupe key are cancelled by id: POST /admin/jobs/{id}/cancel)");
    }
    ctx.json(Map.of("cancelled", cancelled));
  }

  private void stats(Context ctx) {
    ctx.json(Map.of("subscriptions", inspect.stats().stream().map(JobViews.StatsView::of).toList()));
  }

  private void throughput(Context ctx) {
    ctx.json(Map.of("minutes", throughput.lastMinutes()));
  }

  private void backfill(Context ctx) {
    String name = ctx.pathParam("name");
    JobViews.BackfillRequest request = bodies.read(ctx, JobViews.BackfillRequest.class);
    if (request.since() == null) {
      throw ProblemException.invalid("since", "is required (an ISO-8601 instant)");
    }
    requireKnown(name);
    ctx.json(Map.of("created", backfill.backfill(new BackfillSubscriptionCommand(name, request.since()))));
  }

  /** A misspelt subscription must not look like "nothing to do": it is refused with 404 and the known names. */
  private void requireKnown(String subscription) {
    List<String> known = inspect.stats().stream().map(s -> s.subscription()).toList();
    if (!known.contains(subscription)) {
      throw ProblemException.notFound("no subscription '" + subscription.replaceAll("[^A-Za-z0-9._:-]", "?")
          + "'; known subscriptions: " + known);
    }
  }

  private static long id(Context ctx) {
    return number("id", ctx.pathParam("id"), 1, Long.MAX_VALUE);
  }

  private static long number(String field, String raw, long min, long max) {
    try {
      long value = Long.parseLong(raw.strip());
      if (value < min || value > max) {
        throw ProblemException.badParameter(field, "must be between " + min + " and " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw ProblemException.badParameter(field, "must be a whole number");
    }
  }

  private static int number(String field, String raw, int min, int max) {
    return (int) number(field, raw, (long) min, (long) max);
  }

  private static JobState state(String raw) {
    try {
      return JobState.fromWire(raw.strip());
    } catch (IllegalArgumentException e) {
      throw ProblemException.badParameter("state", "must be one of " + Arrays.stream(JobState.values()).map(JobState::wire).toList());
    }
  }


  private static ProblemException conflict(String detail) {
    return new ProblemException(Problem.of(409, "conflict", "Conflict", detail));
  }

}
