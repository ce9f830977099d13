package dev.relaybox.adapters.http.shared;

import java.util.Optional;
import java.util.UUID;

/** An id typed into the operators' look-up, which tries every kind in turn: not a UUID means not this kind, not an error. */
public final class LookupIds {
  private LookupIds() {}

  public static Optional<UUID> uuid(String id) {
    try {
      return Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
