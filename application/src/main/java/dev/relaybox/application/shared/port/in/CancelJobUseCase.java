package dev.relaybox.application.shared.port.in;

public interface CancelJobUseCase {

  /** @return how many jobs were cancelled */
  int cancel(CancelJobCommand command);
}
