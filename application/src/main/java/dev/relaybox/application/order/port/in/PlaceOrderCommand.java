package dev.relaybox.application.order.port.in;

import dev.relaybox.domain.order.OrderLine;
import dev.relaybox.domain.order.ShippingAddress;
import dev.relaybox.domain.order.Sku;
import dev.relaybox.domain.shared.ValidationException;
import dev.relaybox.domain.shared.Violations;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** A checked order: at least one line, positive quantities and prices in minor units, ISO currency and country. */
public record PlaceOrderCommand(String idempotencyKey, String customerId, String storefront, String currency, List<OrderLine> lines,
    ShippingAddress shippingAddress, String correlationId, String traceparent) {
  public static final int MAX_LINES = 100;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

  public PlaceOrderCommand {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    lines = List.copyOf(lines);
    correlationId = correlationId == null ? "" : correlationId;
    traceparent = traceparent == null ? "" : traceparent;
  }

  /** One item as received; numbers are boxed so a missing one can be named. */
  public record Item(String sku, Long quantity, Long unitPrice) {}

  /** The address as received. */
  public record Address(String name, String line1, String line2, String city, String postalCode, String country) {}

  /** Validates every field and names each failing one (422). */
  public static PlaceOrderCommand of(String idempotencyKey, String customerId, String storefront, String currency, List<Item> items,
      Address address, String correlationId, String traceparent) {
    Violations v = new Violations();
    if (idempotencyKey == null || idempotencyKey.isBlank()) {
      v.add("Idempotency-Key", "is required: send a unique key per order so a retry never creates a second order");
    } else if (!KEY.matcher(idempotencyKey).matches()) {
      v.add("Idempotency-Key", "must be 1-255 printable ASCII characters");
    }
    if (customerId == null || !ID.matcher(customerId).matches()) {
      v.add("customerId", "is required: 1-128 letters, digits or . _ : @ -");
    }
    if (storefront == null || !ID.matcher(storefront).matches()) {
      v.add("storefront", "is required: 1-128 letters, digits or . _ : @ -");
    }
    if (currency == null || !isCurrency(currency)) {
      v.add("currency", "must be the ISO 4217 code of a money currency such as EUR or USD");
    }
    List<OrderLine> lines = new ArrayList<>();
    if (items == null || items.isEmpty()) {
      v.add("items", "must hold at least one item");
    } else if (items.size() > MAX_LINES) {
      v.add("items", "must hold at most " + MAX_LINES + " items");
    } else {
      for (int i = 0; i < items.size(); i++) {
        Item item = items.get(i);
        String at = "items[" + i + "]";
        if (item == null) {
          v.add(at, "must be an object");
          continue;
        }
        Sku sku = null;
        if (item.sku() == null) {
          v.add(at + ".sku", "is required");
        } else {
          try {
            sku = new Sku(item.sku());
          } catch (ValidationException e) {
            v.add(at + ".sku", "must be 1-64 letters, digits, '.', '_' or '-'");
          }
        }
        if (item.quantity() == null || item.quantity() < 1 || item.quantity() > OrderLine.MAX_QUANTITY) {
          v.add(at + ".quantity", "must be a whole number from 1 to " + OrderLine.MAX_QUANTITY);
        }
        if (item.unitPrice() == null || item.unitPrice() < 1 || item.unitPrice() > OrderLine.MAX_UNIT_PRICE) {
          v.add(at + ".unitPrice", "must be a positive whole number of minor units (cents), at most " + OrderLine.MAX_UNIT_PRICE);
        }
        if (sku != null && v.isEmpty()) {
          lines.add(new OrderLine(sku, item.quantity().intValue(), item.unitPrice()));
        }
      }
      long distinct = items.stream().filter(Objects::nonNull).map(Item::sku).filter(Objects::nonNull).distinct().count();
      if (distinct < items.stream().filter(Objects::nonNull).filter(i -> i.sku() != null).count()) {
        v.add("items", "list each sku once");
      }
    }
    ShippingAddress shipping = null;
    if (address == null) {
      v.add("shippingAddress", "is required");
    } else {
      text(v, "shippingAddress.name", address.name(), 200);
      text(v, "shippingAddress.line1", address.line1(), 200);
      if (address.line2() != null) {
        line(v, "shippingAddress.line2", address.line2(), 200);
      }
      text(v, "shippingAddress.city", address.city(), 100);
      text(v, "shippingAddress.postalCode", address.postalCode(), 20);
      if (address.country() == null || !COUNTRIES.contains(address.country())) {
        v.add("shippingAddress.country", "must be an ISO 3166-1 alpha-2 code such as DE or US");
      }
      if (v.isEmpty()) {
        shipping = new ShippingAddress(address.name().strip(), address.line1().strip(),
            Optional.ofNullable(address.line2()).map(String::strip).filter(s -> !s.isEmpty()), address.city().strip(),
            address.postalCode().strip(), address.country());
      }
    }
    v.throwIfAny();
    return new PlaceOrderCommand(idempotencyKey, customerId, storefront, currency, lines, shipping, correlationId, traceparent);
  }

  private static boolean isCurrency(String code) {
    if (code.length() != 3 || !code.equals(code.toUpperCase(Locale.ROOT))) {
      return false;
    }
    try {
      // XXX (no currency), XTS (testing), gold and the like have no minor unit: not money an order can be paid in
      return Currency.getInstance(code).getDefaultFractionDigits() >= 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void text(Violations v, String field, String value, int max) {
    if (value == null || value.isBlank()) {
      v.add(field, "is required");
    } else {
      line(v, field, value, max);
    }
  }

  /**
   * One printable line of a label: control characters (a newline, a bell) and bidirectional overrides, which make a
   * printed address read other than it is stored, are refused.
   */
  private static void line(Violations v, String field, String value, int max) {
    if (value.length() > max) {
      v.add(field, "must be at most " + max + " characters");
    } else if (value.codePoints().anyMatch(PlaceOrderCommand::unprintable)) {
      v.add(field, "must be one line without control or bidirectional-override characters");
    }
  }

  private static boolean unprintable(int codePoint) {
    return Character.isISOControl(codePoint)
        || (codePoint >= 0x202A && codePoint <= 0x202E)
        || (codePoint >= 0x2066 && codePoint <= 0x2069);
  }
}
