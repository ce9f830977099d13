package dev.relaybox.application.assistance;

import dev.relaybox.domain.assistance.Topic;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Topic → ordered channels: the primary first, then the fallbacks. */
public record RoutingTable(Map<Topic, List<String>> routes) {

  public static final String DEFAULT = "sales=slack,email;pricing=email";

  public RoutingTable {
    Map<Topic, List<String>> copy = new LinkedHashMap<>();
    routes.forEach((topic, channels) -> {
      if (channels.isEmpty()) {
        throw new IllegalArgumentException("route for topic '" + topic + "' names no channel");
      }
      copy.put(topic, List.copyOf(channels));
    });
    routes = java.util.Collections.unmodifiableMap(copy);
  }

  /** Parses {@code sales=slack,email;pricing=email}. */
  public static RoutingTable parse(String spec) {
    Map<Topic, List<String>> routes = new LinkedHashMap<>();
    for (String entry : spec.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.split("=", 2);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new IllegalArgumentException("route '" + entry.strip() + "' must look like topic=channel[,fallback…]");
      }
      Topic topic;
      try {
        topic = Topic.parse(parts[0]);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("route '" + entry.strip() + "' has an invalid topic: " + e.getMessage());
      }
      List<String> channels = new ArrayList<>();
      for (String channel : parts[1].split(",")) {
        String name = channel.strip().toLowerCase(java.util.Locale.ROOT);
        if (!name.isEmpty() && !channels.contains(name)) {
          channels.add(name);
        }
      }
      if (routes.put(topic, channels) != null) {
        throw new IllegalArgumentException("topic '" + topic + "' is routed twice");
      }
    }
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("the routing table is empty");
    }
    return new RoutingTable(routes);
  }

  public Optional<List<String>> channelsFor(Topic topic) {
    return Optional.ofNullable(routes.get(topic));
  }

  public Set<String> topics() {
    Set<String> names = new TreeSet<>();
    routes.keySet().forEach(t -> names.add(t.value()));
    return names;
  }

  public Set<String> channels() {
    Set<String> names = new TreeSet<>();
    routes.values().forEach(names::addAll);
    return names;
  }

  /** The same routes without the channels that are not available; a topic left with none goes to {@code fallback}. */
  public RoutingTable withFallback(Collection<String> available, String fallback) {
    Map<Topic, List<String>> kept = new LinkedHashMap<>();
    routes.forEach((topic, channels) -> {
      List<String> usable = channels.stream().filter(available::contains).toList();
      kept.put(topic, usable.isEmpty() ? List.of(fallback) : usable);
    });
    return new RoutingTable(kept);
  }
}
