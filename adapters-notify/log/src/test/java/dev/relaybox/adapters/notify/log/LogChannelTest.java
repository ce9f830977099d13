package dev.relaybox.adapters.notify.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.relaybox.application.assistance.port.out.ChannelSettings;
import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.jobs.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogChannelTest {
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(LogChannel.LOGGER);

  @BeforeEach
  void attach() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(logs);
  }

  @Test
  void isAvailableWithoutAnySetting() {
    var channel = new LogChannelFactory().create(new ChannelSettings(Map.of(), Clock.systemUTC()));
    assertEquals("log", channel.orElseThrow().name());
  }

  @Test
  void writesTheRequestToOneLogLineAndReportsItDelivered() {
    UUID id = UUID.randomUUID();
    Outcome outcome = new LogChannel().send(new Notification(id, "sales", "40 seats\nFAKE LOG LINE", "{\"botId\":\"lb-7\"}",
        Instant.parse("2026-12-01T10:00:00Z"), "req-1"));

    assertInstanceOf(Outcome.Done.class, outcome);
    String line = logs.list.getFirst().getFormattedMessage();
    assertTrue(line.contains(id.toString()) && line.contains("[topic sales]") && line.contains("lb-7"), line);
    assertTrue(line.contains("40 seats\\nFAKE LOG LINE"), line);
    assertFalse(line.contains("\n"), "a bot's newline must not start a forged log line: " + line);
  }
}
