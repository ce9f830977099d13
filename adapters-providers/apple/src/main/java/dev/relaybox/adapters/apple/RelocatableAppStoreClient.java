package dev.relaybox.adapters.apple;

import com.apple.itunes.storekit.client.AppStoreServerAPIClient;
import com.apple.itunes.storekit.model.Environment;
import java.io.IOException;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Apple's client with a configurable base URL: requests keep their path and query but go to {@code baseUrl} (the
 * library only knows Apple's production and sandbox hosts).
 */
final class RelocatableAppStoreClient extends AppStoreServerAPIClient {
  private final Optional<HttpUrl> baseUrl;

  RelocatableAppStoreClient(String signingKey, String keyId, String issuerId, String bundleId, Environment environment,
      Optional<String> baseUrl) {
    super(signingKey, keyId, issuerId, bundleId, environment);
    this.baseUrl = baseUrl.map(url -> {
      HttpUrl parsed = HttpUrl.parse(url);
      if (parsed == null) {
        throw new IllegalArgumentException("RELAYBOX_APPLE_API_BASE_URL is not a URL: " + url);
      }
      return parsed;
    });
  }

  @Override
  protected Response getResponse(Request request) throws IOException {
    if (baseUrl.isEmpty()) {
      return super.getResponse(request);
    }
    HttpUrl target = request.url().newBuilder()
        .scheme(baseUrl.get().scheme())
        .host(baseUrl.get().host())
        .port(baseUrl.get().port())
        .build();
    return super.getResponse(request.newBuilder().url(target).build());
  }
}
