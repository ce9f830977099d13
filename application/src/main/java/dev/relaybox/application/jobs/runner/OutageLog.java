package dev.relaybox.application.jobs.runner;

import org.slf4j.Logger;

/**
 * Logs the first failure of a loop at WARN and the recovery at INFO, so a database restart leaves two lines in the
 * log instead of one per poll.
 */
final class OutageLog {
  private final Logger log;
  private final String what;
  private boolean failing;

  OutageLog(Logger log, String what) {
    this.log = log;
    this.what = what;
  }

  synchronized void failed(RuntimeException e) {
    if (!failing) {
      failing = true;
      log.warn("{} failed, will keep retrying: {}", what, e.toString());
    } else {
      log.debug("{} still failing: {}", what, e.toString());
    }
  }

  synchronized void succeeded() {
    if (failing) {
      failing = false;
      log.info("{} recovered", what);
    }
  }
}
