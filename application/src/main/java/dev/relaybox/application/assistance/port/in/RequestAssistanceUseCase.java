package dev.relaybox.application.assistance.port.in;

public interface RequestAssistanceUseCase {

  /** Stores the request and its outbox event in one transaction; delivery happens after commit. */
  AssistanceReceipt request(RequestAssistanceCommand command);
}
