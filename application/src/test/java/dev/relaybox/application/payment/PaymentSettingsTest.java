package dev.relaybox.application.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PaymentSettingsTest {

  @Test
  void pollsWaitLongerUpToTheCap() {
    PaymentSettings s = PaymentSettings.defaults();
    assertEquals(Duration.ofSeconds(1), s.pollDelayAfter(1));
    assertEquals(Duration.ofSeconds(2), s.pollDelayAfter(2));
    assertEquals(Duration.ofSeconds(4), s.pollDelayAfter(3));
    assertEquals(Duration.ofMinutes(5), s.pollDelayAfter(30));
  }
}
