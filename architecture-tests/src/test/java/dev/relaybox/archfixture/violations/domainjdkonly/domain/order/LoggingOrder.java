package dev.relaybox.archfixture.violations.domainjdkonly.domain.order;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** VIOLATES DOMAIN_DEPENDS_ON_JDK_ONLY: a domain class using slf4j (third party). */
public final class LoggingOrder {
  private static final Logger LOG = LoggerFactory.getLogger(LoggingOrder.class);

  public void place() {
    LOG.info("placed");
  }
}
