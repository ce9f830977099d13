package dev.relaybox.domain.payment;

import dev.relaybox.domain.shared.ValidationException;
import java.util.regex.Pattern;

/** An ISO 4217 code the JDK knows, upper case (USD, EUR, NGN). Amounts in this currency are in its minor units. */
public record Currency(String code) {
  private static final Pattern FORMAT = Pattern.compile("[A-Z]{3}");

  public Currency {
    if (code == null || code.isBlank()) {
      throw ValidationException.of("currency", "is required: an ISO 4217 code such as USD");
    }
    if (!FORMAT.matcher(code).matches()) {
      throw ValidationException.of("currency", "must be an ISO 4217 code of three upper-case letters, such as USD");
    }
    try {
      java.util.Currency.getInstance(code);
    } catch (IllegalArgumentException e) {
      throw ValidationException.of("currency", "is not an ISO 4217 currency code");
    }
  }

  @Override
  public String toString() {
    return code;
  }
}
