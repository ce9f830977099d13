package dev.relaybox.domain.purchase;

import dev.relaybox.domain.shared.ValidationException;
import java.util.regex.Pattern;

/** The main backend's id for the buyer: 1-128 printable characters without spaces. */
public record UserId(String value) {
  private static final Pattern FORMAT = Pattern.compile("[\\x21-\\x7E]{1,128}");

  public UserId {
    if (value == null || value.isBlank()) {
      throw ValidationException.of("userId", "is required");
    }
    if (!FORMAT.matcher(value).matches()) {
      throw ValidationException.of("userId", "must be 1-128 printable ASCII characters without spaces");
    }
  }
}
