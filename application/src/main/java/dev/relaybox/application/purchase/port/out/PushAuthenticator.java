package dev.relaybox.application.purchase.port.out;

import java.util.Optional;

/** Checks the OIDC bearer token Pub/Sub attaches to a push: signature, issuer, audience, service account, expiry. */
public interface PushAuthenticator {

  /** @return empty when the token is good, otherwise why it is refused */
  Optional<String> refusal(Optional<String> bearerToken);
}
