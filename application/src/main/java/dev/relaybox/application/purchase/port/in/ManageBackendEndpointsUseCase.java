package dev.relaybox.application.purchase.port.in;

import dev.relaybox.application.purchase.port.out.BackendEndpoints.EndpointState;
import java.util.List;
import java.util.Optional;

/** The admin's view of outgoing webhook endpoints, and re-enabling one after a 410 (which redelivers its backlog). */
public interface ManageBackendEndpointsUseCase {

  List<EndpointState> endpoints();

  /** @return the endpoint after enabling, or empty when there is no endpoint of that name */
  Optional<EndpointState> enable(String name);
}
