package dev.relaybox.application.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of a key. Keys are 256-bit random strings, so a fast unsalted hash is enough to make the stored value
 * useless to an attacker; comparing hashes in constant time removes the timing side channel.
 */
public final class ApiKeyHash {
  private ApiKeyHash() {}

  public static byte[] of(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
