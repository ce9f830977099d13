package dev.relaybox.application.auth.port.out;

/**
 * News that API keys were created or deleted on some node, so every node reloads its key ring at once instead of at
 * its next periodic refresh (a deleted key must stop working everywhere). Also raised when the news may have been
 * missed (the signal source reconnected). The periodic refresh stays as the fallback.
 */
public interface KeyChanges {

  /** {@code reload} runs on the signal source's thread: it must only hand the work over, never block. */
  void onChange(Runnable reload);
}
