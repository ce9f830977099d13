package dev.relaybox.domain.assistance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.relaybox.domain.shared.ValidationException;
import org.junit.jupiter.api.Test;

class AssistanceValuesTest {

  @Test
  void topicsMatchCaseInsensitively() {
    assertEquals(new Topic("sales"), Topic.parse("  SaLeS "));
  }

  @Test
  void topicMustBeAPlainWord() {
    assertThrows(ValidationException.class, () -> Topic.parse("sales; drop table"));
    assertThrows(ValidationException.class, () -> Topic.parse(""));
    assertThrows(ValidationException.class, () -> Topic.parse(null));
  }

  @Test
  void descriptionIsTrimmedAndKeepsEmojiAndMarkup() {
    assertEquals("Need help 🙏 <b>now</b>", new Description("  Need help 🙏 <b>now</b>\n").value());
  }

  @Test
  void descriptionCountsCharactersNotUtf16Units() {
    String emoji = "🙂".repeat(Description.MAX_CHARACTERS);
    assertEquals(Description.MAX_CHARACTERS, new Description(emoji).value().codePointCount(0, emoji.length()));
    var e = assertThrows(ValidationException.class, () -> new Description(emoji + "x"));
    assertEquals("description", e.violations().getFirst().field());
  }

  @Test
  void descriptionRefusesEmptinessAndControlCharacters() {
    assertThrows(ValidationException.class, () -> new Description("   "));
    assertThrows(ValidationException.class, () -> new Description("bell\u0007"));
    assertThrows(ValidationException.class, () -> new Description("nul\u0000byte"));
    assertEquals("tab\tand\nnewline", new Description("tab\tand\nnewline").value());
  }
}
