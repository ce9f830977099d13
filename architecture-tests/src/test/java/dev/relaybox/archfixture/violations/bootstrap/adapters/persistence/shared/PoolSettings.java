package dev.relaybox.archfixture.violations.bootstrap.adapters.persistence.shared;

import dev.relaybox.archfixture.violations.bootstrap.bootstrap.RelayboxConfig;

/** VIOLATES ONLY_BOOTSTRAP_DEPENDS_ON_BOOTSTRAP: an adapter reading bootstrap's configuration type. */
public final class PoolSettings {
  public int maximumPoolSize(RelayboxConfig config) {
    return config.poolSize();
  }
}
