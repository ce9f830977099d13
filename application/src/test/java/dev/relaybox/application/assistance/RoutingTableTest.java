package dev.relaybox.application.assistance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.relaybox.domain.assistance.Topic;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
  private final RoutingTable defaults = RoutingTable.parse(RoutingTable.DEFAULT);

  @Test
  void keepsTheAvailableChannelsOfEachRouteInOrder() {
    RoutingTable usable = defaults.withFallback(Set.of("email", "slack"), "log");

    assertEquals(Optional.of(List.of("slack", "email")), usable.channelsFor(Topic.parse("sales")));
    assertEquals(Optional.of(List.of("email")), usable.channelsFor(Topic.parse("pricing")));
  }

  @Test
  void sendsATopicLeftWithoutAChannelToTheFallbackInsteadOfDroppingIt() {
    RoutingTable onlySlack = defaults.withFallback(Set.of("slack"), "log");
    RoutingTable nothing = defaults.withFallback(Set.of(), "log");

    assertEquals(Optional.of(List.of("slack")), onlySlack.channelsFor(Topic.parse("sales")));
    assertEquals(Optional.of(List.of("log")), onlySlack.channelsFor(Topic.parse("pricing")));
    assertEquals(defaults.topics(), nothing.topics());
    assertEquals(Set.of("log"), nothing.channels());
  }
}
