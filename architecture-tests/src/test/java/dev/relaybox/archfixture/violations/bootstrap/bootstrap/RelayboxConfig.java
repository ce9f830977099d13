package dev.relaybox.archfixture.violations.bootstrap.bootstrap;

public record RelayboxConfig(int poolSize) {}
