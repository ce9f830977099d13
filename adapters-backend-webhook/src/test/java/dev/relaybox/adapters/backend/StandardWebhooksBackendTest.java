package dev.relaybox.adapters.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.relaybox.application.webhooks.OutboundUrlGuard;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StandardWebhooksBackendTest {
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private final AtomicInteger received = new AtomicInteger();
  private HttpServer receiver;
  private URI url;

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      exchange.getRequestBody().readAllBytes();
      received.incrementAndGet();
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
    url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
  }

  @Test
  void aGuardedUrlThatResolvesToLoopbackIsRefusedBeforeAnythingIsSent() {
    var backend = new StandardWebhooksBackend(Optional.of(url), Optional.of(SECRET), Duration.ofSeconds(5),
        Optional.of(OutboundUrlGuard.usingDns(false)));
    var delivery = backend.post(UUID.randomUUID(), "purchase.verified", Instant.now(), "{}");
    assertEquals(0, delivery.status());
    assertTrue(delivery.summary().startsWith("refused before sending"), delivery.summary());
    assertEquals(0, received.get());
  }

  @Test
  void privateUrlsAllowedDeliverAsBefore() {
    var backend = new StandardWebhooksBackend(Optional.of(url), Optional.of(SECRET), Duration.ofSeconds(5),
        Optional.of(OutboundUrlGuard.usingDns(true)));
    assertEquals(204, backend.post(UUID.randomUUID(), "purchase.verified", Instant.now(), "{}").status());
    assertEquals(1, received.get());
  }
}
