package dev.relaybox.adapters.http.shared;

import java.util.Optional;

/** Whether this node can serve: empty when ready, otherwise the reason. */
@FunctionalInterface
public interface ReadinessCheck {
  Optional<String> problem();
}
