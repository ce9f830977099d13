package dev.relaybox.application.jobs.port.in;

public interface CancelJobUseCase {

  /** @return how many jobs were cancelled */
  int cancel(CancelJobCommand command);
}
