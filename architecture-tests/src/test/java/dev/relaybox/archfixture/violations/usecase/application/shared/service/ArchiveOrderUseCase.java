package dev.relaybox.archfixture.violations.usecase.application.shared.service;

/** VIOLATES USE_CASES_RESIDE_IN_PORT_IN: an inbound port outside port.in. */
public interface ArchiveOrderUseCase {
  void archiveOrder(String orderId);
}
