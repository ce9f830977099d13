package dev.relaybox.application.jobs.port.in;

public interface ReplayDeadJobsUseCase {

  /** @return how many jobs went back to the queue */
  int replay(ReplayDeadJobsCommand command);
}
