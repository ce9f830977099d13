package dev.relaybox.adapters.http.jobs;

import dev.relaybox.adapters.http.shared.ProblemException;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.application.jobs.JobQuery;
import dev.relaybox.application.jobs.port.in.InspectJobsUseCase;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code GET /admin/lookup/{id}}: one business record by its id (an assistance request, purchase, payment transaction or order id) with
 * every job keyed by that id and each job's history. Answers 404 when neither exists. {@code kind} names the record's
 * kind ({@code assistance}, {@code purchase}, …) or is {@value #JOBS_ONLY} when only jobs were found; it is the
 * discriminator of the OpenAPI schema.
 */
public final class LookupRoutes implements RouteModule {
  private static final int MAX_JOBS = 50;
  static final String JOBS_ONLY = "jobs";
  private final InspectJobsUseCase inspect;
  private final Map<String, Function<String, Optional<?>>> finders;

  /** @param finders record kind (e.g. {@code assistance}) → finder by id; empty when the id is not of that kind */
  public LookupRoutes(InspectJobsUseCase inspect, Map<String, Function<String, Optional<?>>> finders) {
    this.inspect = inspect;
    this.finders = new LinkedHashMap<>(finders);
  }

  public record LookupView(String id, String kind, Object record, List<JobViews.JobDetailView> jobs) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/admin/lookup/{id}", this::lookup);
  }

  private void lookup(Context ctx) {
    String id = ctx.pathParam("id").strip();
    if (id.isEmpty() || id.length() > 200) {
      throw ProblemException.badParameter("id", "must be 1-200 characters");
    }
    String kind = JOBS_ONLY;
    Object record = null;
    for (var finder : finders.entrySet()) {
      Optional<?> found = finder.getValue().apply(id);
      if (found.isPresent()) {
        kind = finder.getKey();
        record = found.get();
        break;
      }
    }
    List<JobViews.JobDetailView> jobs = new ArrayList<>();
    for (var job : inspect.list(new JobQuery(Optional.empty(), Optional.empty(), MAX_JOBS, Optional.empty(), Optional.of(id))).jobs()) {
      inspect.find(job.id()).map(JobViews.JobDetailView::of).ifPresent(jobs::add);
    }
    if (record == null && jobs.isEmpty()) {
      throw ProblemException.notFound("no record and no job with id or key " + id.replaceAll("[^A-Za-z0-9._:-]", "?"));
    }
    ctx.json(new LookupView(id, kind, record, jobs));
  }
}
