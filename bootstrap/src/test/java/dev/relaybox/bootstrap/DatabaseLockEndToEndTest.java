package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A lock held elsewhere for a long time (an operator's LOCK TABLE, a migration, a stuck session) does not take the
 * node down: requests blocked on it give up after {@code RELAYBOX_DB_LOCK_TIMEOUT} with 503 and Retry-After, instead
 * of holding every pooled connection until the lock is released while readiness and other routes fail too.
 */
class DatabaseLockEndToEndTest {

  @Test
  void readsBlockedByALongHeldTableLockAnswer503AndTheNodeStaysReady() throws Exception {
    Map<String, String> env = TestConfigs.freshDatabase();
    try (Relaybox relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
        Connection locker = DriverManager.getConnection(env.get("DATABASE_URL"))) {
      TestApi api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
      locker.setAutoCommit(false);
      try (Statement lock = locker.createStatement()) {
        lock.execute("LOCK TABLE assistance_request IN ACCESS EXCLUSIVE MODE");
      }
      List<HttpResponse<String>> answers = new ArrayList<>();
      try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<HttpResponse<String>>> reads = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          reads.add(clients.submit(() -> api.get("/v1/assistance-requests/" + UUID.randomUUID())));
        }
        for (Future<HttpResponse<String>> read : reads) {
          // Far beyond the lock wait and the pool's connection timeout, far short of a lock held for minutes.
          answers.add(read.get(60, TimeUnit.SECONDS));
        }
      }
      for (HttpResponse<String> answer : answers) {
        assertEquals(503, answer.statusCode(), answer::body);
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
            answer::body);
        assertTrue(answer.headers().firstValue("Retry-After").isPresent(), answer::body);
      }
      assertEquals(200, api.get("/health/ready").statusCode(), "ready while the lock is still held");

      locker.rollback();
      assertEquals(404, api.get("/v1/assistance-requests/" + UUID.randomUUID()).statusCode());
    }
  }
}
