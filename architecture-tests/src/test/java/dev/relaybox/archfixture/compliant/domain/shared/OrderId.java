package dev.relaybox.archfixture.compliant.domain.shared;

public record OrderId(String value) {
  public OrderId {
    java.util.Objects.requireNonNull(value, "value");
  }
}
