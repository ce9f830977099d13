package dev.relaybox.archfixture.violations.adapters.adapters.persistence.order;

public final class JdbiOrders {
  public String find(String id) {
    return id;
  }
}
