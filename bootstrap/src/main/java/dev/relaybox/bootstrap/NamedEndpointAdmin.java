package dev.relaybox.bootstrap;

import dev.relaybox.application.purchase.port.in.ManageBackendEndpointsUseCase;
import dev.relaybox.application.purchase.port.out.BackendEndpoints.EndpointState;
import dev.relaybox.application.webhooks.WebhookEndpoint;
import dev.relaybox.application.webhooks.port.in.ManageWebhookEndpointsUseCase;
import dev.relaybox.application.webhooks.port.in.WebhookEndpointCommand;
import java.util.List;
import java.util.Optional;

/**
 * Keeps {@code /admin/endpoints} (list, {@code /{name}/enable}) working for the endpoints configured from the
 * environment, now that the main backend is a webhook endpoint like any other.
 */
final class NamedEndpointAdmin implements ManageBackendEndpointsUseCase {
  private final ManageWebhookEndpointsUseCase endpoints;

  NamedEndpointAdmin(ManageWebhookEndpointsUseCase endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public List<EndpointState> endpoints() {
    return endpoints.list().stream().map(ManageWebhookEndpointsUseCase.EndpointStatus::endpoint)
        .filter(e -> e.name().isPresent()).map(NamedEndpointAdmin::state).toList();
  }

  @Override
  public Optional<EndpointState> enable(String name) {
    return endpoints.list().stream().map(ManageWebhookEndpointsUseCase.EndpointStatus::endpoint)
        .filter(e -> e.name().equals(Optional.of(name))).findFirst()
        .flatMap(e -> endpoints.update(e.id(), WebhookEndpointCommand.patch(null, null, null, true)))
        .map(s -> state(s.endpoint()));
  }

  private static EndpointState state(WebhookEndpoint e) {
    return new EndpointState(e.name().orElseThrow(), e.enabled(), e.enabledSince(), e.disabledAt(), e.disabledReason());
  }
}
