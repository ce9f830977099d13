package dev.relaybox.adapters.http.shared;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;

/**
 * Input that parses but that PostgreSQL cannot store: a NUL character ({@code text} and {@code jsonb} refuse it), an
 * unpaired UTF-16 surrogate (not valid UTF-8), or a number beyond what a {@code bigint} or a {@code double} holds (too
 * large, or too small and not 0). Checked once for every JSON body and query parameter, so no route can pass such a
 * value down to the database and answer 500; the problem names the field.
 */
public final class StorableInput {
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  static final String OUT_OF_RANGE = "is out of range (a number must be 0 or between about 4.9E-324 and 1.8E308 in size)";

  private StorableInput() {}

  /** Checks every field name, string and number of a parsed JSON document; {@code prefix} names its root. */
  public static void check(JsonNode node, String prefix) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      checkText(prefix.isEmpty() ? "body" : prefix, node.textValue());
    } else if (node.isBigInteger()) {
      BigInteger value = node.bigIntegerValue();
      if (value.compareTo(LONG_MIN) < 0 || value.compareTo(LONG_MAX) > 0) {
        throw ProblemException.invalid(name(prefix), "is out of range (a whole number must fit in 64 bits)");
      }
    } else if (node.isBigDecimal() || node.isDouble() || node.isFloat()) {
      double asDouble = node.doubleValue();
      // Read exactly, a number may hold far more than a double (PostgreSQL's numeric keeps at most 16,383 digits after
      // the point): it must read as a finite double, and one that is not 0 must not read as 0, so every client's
      // parser can read it back.
      boolean underflows = asDouble == 0 && node.isBigDecimal() && node.decimalValue().signum() != 0;
      if (Double.isInfinite(asDouble) || Double.isNaN(asDouble) || underflows) {
        throw ProblemException.invalid(name(prefix), OUT_OF_RANGE);
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
        checkText(prefix.isEmpty() ? "body" : prefix, field.getKey());
        check(field.getValue(), path);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        check(node.get(i), prefix + "[" + i + "]");
      }
    }
  }

  /** Refuses NUL and unpaired surrogates in a body value {@code value} (422), naming {@code field}. */
  public static void checkText(String field, String value) {
    String refusal = refusal(value);
    if (refusal != null) {
      throw ProblemException.invalid(field, refusal);
    }
  }

  /** Refuses NUL and unpaired surrogates in a query or path parameter (400), naming it. */
  public static void checkParameter(String name, String value) {
    String refusal = refusal(value);
    if (refusal != null) {
      throw ProblemException.badParameter(name, refusal);
    }
  }

  private static String refusal(String value) {
    return dev.relaybox.domain.shared.StorableText.refusal(value).orElse(null);
  }

  private static String name(String prefix) {
    return prefix.isEmpty() ? "body" : prefix;
  }
}
