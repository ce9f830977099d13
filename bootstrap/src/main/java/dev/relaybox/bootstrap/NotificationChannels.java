package dev.relaybox.bootstrap;

import dev.relaybox.application.assistance.RoutingTable;
import dev.relaybox.application.assistance.port.out.ChannelSettings;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.assistance.port.out.NotificationChannelFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the channel modules on the class path through {@link ServiceLoader}, creates the configured ones, and checks
 * the routing table against them.
 */
final class NotificationChannels {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationChannels.class);
  /** Needs no settings and reaches nobody: the last resort of the default routes (module adapters-notify/log). */
  static final String LOG_CHANNEL = "log";

  private NotificationChannels() {}

  /** Every configured channel by name, each passed through {@code decorate}. */
  static Map<String, NotificationChannel> load(ChannelSettings settings, UnaryOperator<NotificationChannel> decorate,
      Set<String> known) {
    Map<String, NotificationChannel> channels = new LinkedHashMap<>();
    for (NotificationChannelFactory factory : ServiceLoader.load(NotificationChannelFactory.class)) {
      known.add(factory.name());
      try {
        factory.create(settings).ifPresent(channel -> channels.put(factory.name(), decorate.apply(channel)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("channel '" + factory.name() + "' is misconfigured: " + e.getMessage());
      }
    }
    LOG.info("notification channels: known {}, configured {}", known, channels.keySet());
    return channels;
  }

  /**
   * An explicit {@code RELAYBOX_ROUTES} must name only configured channels, or startup stops. The built-in default
   * routes are trimmed to the configured channels instead, and a topic left without one goes to the built-in
   * {@code log} channel, so a fresh checkout accepts work at once (with a WARN saying nobody is reached).
   */
  static RoutingTable routes(java.util.Optional<String> explicit, Set<String> known, Set<String> configured) {
    if (explicit.isPresent()) {
      RoutingTable table;
      try {
        table = RoutingTable.parse(explicit.get());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("RELAYBOX_ROUTES is invalid: " + e.getMessage());
      }
      for (String channel : table.channels()) {
        if (!known.contains(channel)) {
          throw new ConfigException("RELAYBOX_ROUTES names channel '" + channel + "', which does not exist (known: " + new TreeSet<>(known) + ")");
        }
        if (!configured.contains(channel)) {
          throw new ConfigException("RELAYBOX_ROUTES names channel '" + channel + "', which is not configured; set its variables (see docs/channels.md)");
        }
      }
      return table;
    }
    RoutingTable defaults = RoutingTable.parse(RoutingTable.DEFAULT);
    Set<String> reachPeople = new TreeSet<>(configured);
    reachPeople.remove(LOG_CHANNEL);
    RoutingTable usable = defaults.withFallback(reachPeople, LOG_CHANNEL);
    if (reachPeople.isEmpty()) {
      LOG.warn("no notification channel is configured: the default topics {} go to the built-in '{}' channel, which only writes "
          + "each request to the log (logger relaybox.channel.log) and shows it as delivered. Configure Slack, email or a webhook "
          + "and set RELAYBOX_ROUTES (see docs/channels.md)", defaults.topics(), LOG_CHANNEL);
      return usable;
    }
    Set<String> missing = new TreeSet<>(defaults.channels());
    missing.removeAll(configured);
    if (!missing.isEmpty()) {
      LOG.warn("default routes ({}) use channels that are not configured: {}; routing {} instead. Configure them or set RELAYBOX_ROUTES",
          RoutingTable.DEFAULT, missing, usable.routes());
    }
    return usable;
  }
}
