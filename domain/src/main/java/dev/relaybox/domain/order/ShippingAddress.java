package dev.relaybox.domain.order;

import java.util.Objects;
import java.util.Optional;

/** Where an order goes; {@code country} is an ISO 3166-1 alpha-2 code. */
public record ShippingAddress(String name, String line1, Optional<String> line2, String city, String postalCode, String country) {
  public ShippingAddress {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(line1, "line1");
    line2 = line2 == null ? Optional.empty() : line2;
    Objects.requireNonNull(city, "city");
    Objects.requireNonNull(postalCode, "postalCode");
    Objects.requireNonNull(country, "country");
  }
}
