package dev.relaybox.domain.payment;

import dev.relaybox.domain.shared.ValidationException;
import java.util.regex.Pattern;

/** An ISO 4217 code of a money currency the JDK knows, upper case (USD, EUR, NGN); never XXX, XTS or a metal. Amounts in this currency are in its minor units. */
public record Currency(String code) {
  private static final Pattern FORMAT = Pattern.compile("[A-Z]{3}");

  public Currency {
    if (code == null || code.isBlank()) {
      throw ValidationException.of("currency", "is required: an ISO 4217 code such as USD");
    }
    if (!FORMAT.matcher(code).matches()) {
      throw ValidationException.of("currency", "must be an ISO 4217 code of three upper-case letters, such as USD");
    }
    java.util.Currency known;
    try {
      known = java.util.Currency.getInstance(code);
    } catch (IllegalArgumentException e) {
      throw ValidationException.of("currency", "is not an ISO 4217 currency code");
    }
    if (known.getDefaultFractionDigits() < 0) {
      // XXX (no currency), XTS (testing), gold and the like: nothing an account can hold in minor units
      throw ValidationException.of("currency", "is not a money currency (" + code + " has no minor unit)");
    }
  }

  @Override
  public String toString() {
    return code;
  }
}
