package dev.relaybox.adapters.http.shared;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * UTF-8 decoding that refuses what Java's lenient decoders quietly repair: stray bytes, overlong forms ({@code C0 BC}
 * for {@code <}) and encoded surrogates ({@code ED A0 80}). A lenient decoder turns them into U+FFFD or, in older
 * decoders and in filters in front of us, into the characters they spell, so bytes a proxy saw as one thing would
 * reach storage as another.
 */
final class StrictUtf8 {
  private StrictUtf8() {}

  /** The text {@code bytes} encode; empty when they are not well-formed UTF-8. */
  static Optional<String> decode(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether every {@code %} of a raw (still encoded) query string starts an escape of two hex digits, as RFC 3986
   * requires: Jetty's query parser reads {@code %%} or {@code %zz} as nothing at all, so a malformed cursor or filter
   * would silently become no cursor or no filter.
   */
  static boolean percentEscapesAreWellFormed(String rawQuery) {
    if (rawQuery == null) {
      return true;
    }
    for (int i = rawQuery.indexOf('%'); i >= 0; i = rawQuery.indexOf('%', i + 3)) {
      if (i + 2 >= rawQuery.length() || !HexFormat.isHexDigit(rawQuery.charAt(i + 1))
          || !HexFormat.isHexDigit(rawQuery.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the percent-escapes of a raw (still encoded) query string spell well-formed UTF-8; a malformed escape
   * ({@link #percentEscapesAreWellFormed}) is checked first, and here taken as the characters it is made of.
   */
  static boolean percentEncodedIsUtf8(String rawQuery) {
    if (rawQuery == null || rawQuery.indexOf('%') < 0) {
      return true;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawQuery.length());
    for (int i = 0; i < rawQuery.length(); i++) {
      char c = rawQuery.charAt(i);
      if (c == '%' && i + 2 < rawQuery.length() && HexFormat.isHexDigit(rawQuery.charAt(i + 1))
          && HexFormat.isHexDigit(rawQuery.charAt(i + 2))) {
        bytes.write(HexFormat.fromHexDigits(rawQuery, i + 1, i + 3));
        i += 2;
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return decode(bytes.toByteArray()).isPresent();
  }
}
