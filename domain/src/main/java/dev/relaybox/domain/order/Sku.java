package dev.relaybox.domain.order;

import dev.relaybox.domain.shared.ValidationException;
import java.util.regex.Pattern;

/** A stock-keeping unit: letters, digits, '-', '_', '.', at most 64 characters. */
public record Sku(String value) {
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public Sku {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw ValidationException.of("sku", "must be 1-64 letters, digits, '.', '_' or '-'");
    }
  }
}
