package dev.relaybox.application.purchase.port.in;

/** The store's settings are absent, so its purchases cannot be verified on this deployment. */
public final class StoreNotConfiguredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreNotConfiguredException(String store) {
    super(store + " store is not configured", null, false, false);
  }
}
