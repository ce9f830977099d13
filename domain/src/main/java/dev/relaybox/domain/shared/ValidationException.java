package dev.relaybox.domain.shared;

import java.util.List;
import java.util.stream.Collectors;

/** Input that breaks a rule; names every failing field so the caller can fix them all at once. */
public final class ValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<Violation> violations;

  public ValidationException(List<Violation> violations) {
    super(violations.stream().map(v -> v.field() + ": " + v.message()).collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  public static ValidationException of(String field, String message) {
    return new ValidationException(List.of(new Violation(field, message)));
  }

  public List<Violation> violations() {
    return violations;
  }
}
