package dev.relaybox.domain.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class StorableTextTest {

  @Test
  void refusesNulAndUnpairedSurrogatesButKeepsPairsAndNull() {
    assertTrue(StorableText.refusal("p\u0000").orElseThrow().contains("NUL"));
    assertTrue(StorableText.refusal("a\ud800b").orElseThrow().contains("unpaired surrogate"));
    assertTrue(StorableText.refusal("\udc00").isPresent());
    assertTrue(StorableText.refusal("emoji \ud83d\ude00").isEmpty());
    assertTrue(StorableText.refusal(null).isEmpty());
  }

  @Test
  void refusesYearsOutside1To9999() {
    assertTrue(StorableText.dateRefusal(Instant.ofEpochMilli(2_534_023_008_000_000L)).isPresent());
    assertTrue(StorableText.dateRefusal(Instant.parse("+10000-01-01T00:00:00Z")).isPresent());
    assertTrue(StorableText.dateRefusal(Instant.parse("0000-12-31T23:59:59Z")).isPresent());
    assertTrue(StorableText.dateRefusal(Instant.parse("9999-12-31T23:59:59Z")).isEmpty());
    assertTrue(StorableText.dateRefusal(Instant.parse("0001-01-01T00:00:00Z")).isEmpty());
  }

  @Test
  void logTextHasNoControlCharactersOrLoneSurrogates() {
    assertEquals("a\\u0000b\\u000a\\ud800 \ud83d\ude00", StorableText.forLog("a\u0000b\n\ud800 \ud83d\ude00"));
  }
}
