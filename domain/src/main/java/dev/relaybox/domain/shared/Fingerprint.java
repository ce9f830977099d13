package dev.relaybox.domain.shared;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * SHA-256 over parts, each prefixed with its UTF-8 length, so that no two different lists of parts share a
 * fingerprint by concatenation ("ab" + "c" vs "a" + "bc"). Idempotency keys compare a request's fingerprint with the
 * stored one.
 */
public final class Fingerprint {
  private Fingerprint() {}

  public static byte[] of(List<String> parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
