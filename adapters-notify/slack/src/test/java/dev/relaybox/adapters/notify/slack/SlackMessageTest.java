package dev.relaybox.adapters.notify.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlackMessageTest {

  @Test
  void escapesTheThreeControlCharacters() {
    assertEquals("a &amp; b &lt;!here&gt;", SlackMessage.escape("a & b <!here>", 100));
  }

  @Test
  void cutsLongTextWithoutSplittingAnEntityOrASurrogatePair() {
    String cut = SlackMessage.escape("abc<def", 6);
    assertEquals("abc…", cut);
    String emoji = SlackMessage.escape("ab\uD83D\uDE00cd", 4);
    assertEquals("ab…", emoji);
    assertTrue(SlackMessage.escape("x".repeat(5000), SlackMessage.SECTION_MAX).length() <= SlackMessage.SECTION_MAX);
  }
}
