package dev.relaybox.adapters.apple;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * App Store settings. {@code rootCertificates} are PEM or DER files (Apple Root CA G3 in production);
 * {@code environment} is {@code Production}, {@code Sandbox}, {@code Xcode} or {@code LocalTesting}; the last two are
 * refused unless {@code allowUnverifiedEnvironments}, because the library skips signature checks for them.
 * {@code appAppleId} is required in Production. The API key (a .p8 file, its key id and issuer id) is only needed for
 * verification by transaction id; {@code apiBaseUrl} overrides Apple's URL (tests point it at a loopback fake).
 * {@code onlineChecks} turns on the library's online revocation checks (OCSP) of the signing certificates.
 */
public record AppleStoreSettings(
    List<Path> rootCertificates,
    String bundleId,
    Optional<Long> appAppleId,
    String environment,
    boolean allowUnverifiedEnvironments,
    Optional<Path> apiPrivateKey,
    Optional<String> apiKeyId,
    Optional<String> apiIssuerId,
    Optional<String> apiBaseUrl,
    boolean onlineChecks) {

  public AppleStoreSettings {
    rootCertificates = List.copyOf(rootCertificates);
    Objects.requireNonNull(bundleId, "bundleId");
    Objects.requireNonNull(environment, "environment");
  }
}
