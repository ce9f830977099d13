package dev.relaybox.archfixture.compliant.application.order.port.in;

public record PlaceOrderCommand(long amountCents) {}
