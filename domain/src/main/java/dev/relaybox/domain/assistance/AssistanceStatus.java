package dev.relaybox.domain.assistance;

import java.util.Locale;

/** pending until a channel delivers it (delivered) or every channel of its route has given up (failed). */
public enum AssistanceStatus {
  PENDING, DELIVERED, FAILED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AssistanceStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
