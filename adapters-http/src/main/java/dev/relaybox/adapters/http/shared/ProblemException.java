package dev.relaybox.adapters.http.shared;

import java.util.List;
import java.util.Map;

/** Thrown by routes to answer with a problem; carries optional headers such as Retry-After. */
public final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Problem problem;
  private final transient Map<String, String> headers;

  public ProblemException(Problem problem) {
    this(problem, Map.of());
  }

  public ProblemException(Problem problem, Map<String, String> headers) {
    super(problem.title() + ": " + problem.detail(), null, false, false);
    this.problem = problem;
    this.headers = Map.copyOf(headers);
  }

  public Problem problem() {
    return problem;
  }

  public Map<String, String> headers() {
    return headers;
  }

  public static ProblemException badRequest(String detail) {
    return new ProblemException(Problem.of(400, "bad-request", "Bad request", detail));
  }

  public static ProblemException notFound(String detail) {
    return new ProblemException(Problem.of(404, "not-found", "Not found", detail));
  }

  /** A query or path parameter that cannot be used. */
  public static ProblemException badParameter(String field, String message) {
    return new ProblemException(Problem.of(400, "bad-parameter", "Bad parameter", field + " " + message)
        .withErrors(List.of(new Problem.FieldError(field, message))));
  }

  public static ProblemException invalid(String field, String message) {
    return new ProblemException(Problem.of(422, "validation-failed", "Validation failed", field + ": " + message)
        .withErrors(List.of(new Problem.FieldError(field, message))));
  }
}
