package dev.relaybox.application.payment.port.in;

public interface ReceiveProviderWebhookUseCase {

  Receipt receive(ProviderWebhook webhook);

  enum Receipt { APPLIED, DUPLICATE, UNKNOWN_TRANSACTION }
}
