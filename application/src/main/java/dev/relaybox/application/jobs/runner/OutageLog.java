package dev.relaybox.application.jobs.runner;

import org.slf4j.Logger;

/**
 * Logs the first failure of a loop at WARN and the recovery at INFO, so a database restart leaves two lines in the
 * log instead of one per poll. Public for the adapters' own background loops (the outbox's NOTIFY sender).
 */
public final class OutageLog {
  private final Logger log;
  private final String what;
  private boolean failing;

  public OutageLog(Logger log, String what) {
    this.log = log;
    this.what = what;
  }

  public synchronized void failed(RuntimeException e) {
    if (!failing) {
      failing = true;
      log.warn("{} failed, will keep retrying: {}", what, e.toString());
    } else {
      log.debug("{} still failing: {}", what, e.toString());
    }
  }

  public synchronized void succeeded() {
    if (failing) {
      failing = false;
      log.info("{} recovered", what);
    }
  }
}
