package dev.relaybox.application.payment.port.in;

import dev.relaybox.domain.payment.Currency;
import dev.relaybox.domain.payment.PaymentTransaction;
import dev.relaybox.domain.payment.TransactionType;
import dev.relaybox.domain.shared.Violations;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** A credit or debit as the client asked for it, checked field by field. */
public record SubmitTransactionCommand(UUID accountId, String idempotencyKey, TransactionType type, long amount, Currency currency,
    Optional<String> reference, Optional<String> callbackUrl) {

  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

  public SubmitTransactionCommand {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(currency, "currency");
    reference = reference == null ? Optional.empty() : reference;
    callbackUrl = callbackUrl == null ? Optional.empty() : callbackUrl;
  }

  /** Parses every field and reports all broken ones at once. */
  public static SubmitTransactionCommand of(UUID accountId, String idempotencyKey, String type, Long amount, String currency,
      String reference, String callbackUrl) {
    Violations violations = new Violations();
    if (idempotencyKey == null || idempotencyKey.isBlank()) {
      violations.add("Idempotency-Key", "the header is required: a unique key per transaction, reused only to retry it");
    } else if (!KEY.matcher(idempotencyKey).matches()) {
      violations.add("Idempotency-Key", "must be 1 to 255 printable ASCII characters without spaces");
    }
    TransactionType parsedType = violations.collect(() -> TransactionType.fromWire(type));
    if (amount == null) {
      violations.add("amount", "is required: a positive whole number of minor units");
    } else {
      violations.collect(() -> {
        PaymentTransaction.requireAmount(amount);
        return amount;
      });
    }
    Currency parsedCurrency = violations.collect(() -> new Currency(currency));
    // characters as the API documents them (maxLength counts code points), not UTF-16 units: an emoji is one
    if (reference != null && (reference.isBlank()
        || reference.codePointCount(0, reference.length()) > PaymentTransaction.MAX_REFERENCE)) {
      violations.add("reference", "must be 1 to " + PaymentTransaction.MAX_REFERENCE + " characters when given");
    }
    if (callbackUrl != null && callbackUrl.isBlank()) {
      violations.add("callbackUrl", "must not be empty when given");
    }
    violations.throwIfAny();
    return new SubmitTransactionCommand(accountId, idempotencyKey, parsedType, amount, parsedCurrency, Optional.ofNullable(reference),
        Optional.ofNullable(callbackUrl));
  }
}
