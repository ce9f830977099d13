package dev.relaybox.application.webhooks.port.out;

/** Makes a new Standard Webhooks signing secret ({@code whsec_} and base64 of random bytes). */
@FunctionalInterface
public interface SecretGenerator {
  String newSecret();
}
