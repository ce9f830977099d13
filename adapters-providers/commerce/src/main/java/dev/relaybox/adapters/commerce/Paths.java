package dev.relaybox.adapters.commerce;

import java.net.URI;

final class Paths {
  private Paths() {}

  /** The base URL without a trailing slash, so paths can be appended. */
  static String trimmed(URI base) {
    String s = base.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
