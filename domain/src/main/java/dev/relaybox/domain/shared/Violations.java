package dev.relaybox.domain.shared;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Gathers every invalid field of an input, so a caller learns about all of them in one answer. */
public final class Violations {
  private final List<Violation> found = new ArrayList<>();

  /** Runs a parse; if it fails validation, keeps its violations and returns null. */
  public <T> T collect(Supplier<T> parse) {
    try {
      return parse.get();
    } catch (ValidationException e) {
      found.addAll(e.violations());
      return null;
    }
  }

  public void add(String field, String message) {
    found.add(new Violation(field, message));
  }

  public boolean isEmpty() {
    return found.isEmpty();
  }

  public void throwIfAny() {
    if (!found.isEmpty()) {
      throw new ValidationException(found);
    }
  }
}
