package dev.relaybox.archfixture.compliant.domain.order;

import dev.relaybox.archfixture.compliant.domain.shared.OrderId;

public record Order(OrderId id, long amountCents) {}
