package dev.relaybox.archfixture.violations.applicationdeps.application.order;

import org.jdbi.v3.core.Jdbi;

/** VIOLATES APPLICATION_DEPENDS_ON_DOMAIN_SLF4J_AND_JDK_ONLY: application using Jdbi directly instead of a port. */
public final class JdbiOrderLookup {
  private final Jdbi jdbi;

  public JdbiOrderLookup(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public int count() {
    return jdbi.withHandle(handle -> handle.createQuery("select count(*) from orders").mapTo(Integer.class).one());
  }
}
