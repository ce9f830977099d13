package dev.relaybox.application.payment.port.in;

import dev.relaybox.domain.payment.Account;

public interface OpenAccountUseCase {
  Account open(OpenAccountCommand command);
}
