package dev.relaybox.adapters.google;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Google Play settings: the service-account key file, and the API root and token URLs (Google's by default; tests
 * point them at a loopback fake).
 */
public record GooglePlaySettings(Path serviceAccountFile, Optional<String> rootUrl, Optional<String> tokenUrl, Duration timeout) {
  public GooglePlaySettings {
    Objects.requireNonNull(serviceAccountFile, "serviceAccountFile");
    rootUrl = rootUrl.map(u -> u.endsWith("/") ? u : u + "/");
    Objects.requireNonNull(timeout, "timeout");
  }
}
