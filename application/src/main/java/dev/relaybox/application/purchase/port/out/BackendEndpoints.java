package dev.relaybox.application.purchase.port.out;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The state of the outgoing webhook endpoints (today only {@code backend}): enabled, or disabled and why. */
public interface BackendEndpoints {

  EndpointState state(String name);

  List<EndpointState> all();

  /** Disables it in a transaction of its own; returns false when it already was disabled. */
  boolean disable(String name, String reason, Instant at);

  /** Enables it and makes every waiting delivery due now; returns how many deliveries were woken. */
  int enable(String name, String subscription, Instant at);

  record EndpointState(String name, boolean enabled, Instant enabledSince, Optional<Instant> disabledAt,
      Optional<String> disabledReason) {}
}
