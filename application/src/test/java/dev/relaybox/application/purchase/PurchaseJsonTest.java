package dev.relaybox.application.purchase;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PurchaseJsonTest {

  @Test
  void writesAndReadsBackFieldsWithEscapes() {
    UUID id = UUID.randomUUID();
    String json = PurchaseJson.object("purchaseId", id.toString(), "packageName", "a\"b\\c");
    assertEquals(Optional.of(id), PurchaseJson.uuid(json, "purchaseId"));
    assertEquals(Optional.of("a\"b\\c"), PurchaseJson.string(json, "packageName"));
    assertEquals(Optional.empty(), PurchaseJson.uuid(json, "missing"));
  }
}
