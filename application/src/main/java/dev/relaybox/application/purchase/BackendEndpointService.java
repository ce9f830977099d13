package dev.relaybox.application.purchase;

import dev.relaybox.application.purchase.port.in.ManageBackendEndpointsUseCase;
import dev.relaybox.application.purchase.port.out.BackendEndpoints;
import dev.relaybox.application.purchase.port.out.BackendEndpoints.EndpointState;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Lists outgoing endpoints and re-enables one, waking every delivery that waited for it. */
public final class BackendEndpointService implements ManageBackendEndpointsUseCase {
  private static final Logger LOG = LoggerFactory.getLogger(BackendEndpointService.class);
  private final BackendEndpoints endpoints;
  private final Clock clock;

  public BackendEndpointService(BackendEndpoints endpoints, Clock clock) {
    this.endpoints = endpoints;
    this.clock = clock;
  }

  @Override
  public List<EndpointState> endpoints() {
    return endpoints.all();
  }

  @Override
  public Optional<EndpointState> enable(String name) {
    if (!name.equals(DeliverPurchaseEvents.ENDPOINT)) {
      return Optional.empty();
    }
    int woken = endpoints.enable(name, DeliverPurchaseEvents.SUBSCRIPTION, clock.instant());
    LOG.info("endpoint {} enabled; {} waiting deliveries are due now", name, woken);
    return Optional.of(endpoints.state(name));
  }
}
