package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A first start with no channel configured accepts work: the default topics go to the built-in log channel. */
class FreshStartTest {

  @Test
  void deliversTheDefaultTopicsThroughTheLogChannelWithAWarnWhenNoChannelIsConfigured() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    try (Relaybox relaybox = Relaybox.start(RelayboxConfig.from(TestConfigs.freshDatabase()), Clock.systemUTC())) {
      assertTrue(logs.list.stream().anyMatch(e -> e.getLevel() == Level.WARN
              && e.getFormattedMessage().contains("no notification channel is configured")),
          "a WARN says that nobody is reached");
      TestApi api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
      for (String topic : new String[] {"sales", "pricing"}) {
        String marker = TestApi.marker();
        var accepted = api.post("/v1/assistance-requests", "{\"topic\":\"" + topic + "\",\"description\":\"first try " + marker + "\"}");
        assertEquals(202, accepted.statusCode(), accepted.body());
        String id = TestApi.json(accepted).get("id").asText();

        JsonNode delivered = api.awaitAssistanceStatus(id, "delivered", Duration.ofSeconds(30));
        assertEquals("log", delivered.get("channel").asText());
        assertTrue(logs.list.stream().anyMatch(e -> e.getLoggerName().equals("relaybox.channel.log")
            && e.getFormattedMessage().contains(id) && e.getFormattedMessage().contains(marker)), "the request is in the log");

        JsonNode onDashboard = TestApi.json(api.withKey(TestConfigs.ADMIN_KEY).get("/admin/lookup/" + id));
        assertEquals("assistance", onDashboard.get("kind").asText());
        assertEquals("log", onDashboard.get("record").get("channel").asText());
      }
    } finally {
      root.detachAppender(logs);
    }
  }
}
