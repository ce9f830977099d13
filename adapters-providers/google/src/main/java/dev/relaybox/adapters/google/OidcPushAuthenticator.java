package dev.relaybox.adapters.google;

import com.google.api.client.json.webtoken.JsonWebSignature;
import com.google.auth.oauth2.TokenVerifier;
import dev.relaybox.application.purchase.port.out.PushAuthenticator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the OIDC token Pub/Sub push attaches, with google-auth-library's {@link TokenVerifier}: RS256 signature
 * against the keys at {@code certificatesUrl} (Google's by default), audience and expiry; then the issuer
 * ({@code accounts.google.com}), and that {@code email} is the push service account with {@code email_verified}.
 */
public final class OidcPushAuthenticator implements PushAuthenticator {
  public static final String GOOGLE_CERTS = "https://www.googleapis.com/oauth2/v3/certs";
  private static final Set<String> ISSUERS = Set.of("https://accounts.google.com", "accounts.google.com");

  private final TokenVerifier verifier;
  private final String serviceAccount;

  public OidcPushAuthenticator(String audience, String serviceAccount, Optional<String> certificatesUrl) {
    Objects.requireNonNull(audience, "audience");
    this.serviceAccount = Objects.requireNonNull(serviceAccount, "serviceAccount");
    this.verifier = TokenVerifier.newBuilder()
        .setAudience(audience)
        .setCertificatesLocation(certificatesUrl.orElse(GOOGLE_CERTS))
        .build();
  }

  @Override
  public Optional<String> refusal(Optional<String> bearerToken) {
    if (bearerToken.isEmpty() || bearerToken.get().isBlank()) {
      return Optional.of("no OIDC bearer token");
    }
    JsonWebSignature token;
    try {
      token = verifier.verify(bearerToken.get());
    } catch (TokenVerifier.VerificationException e) {
      return Optional.of("OIDC token refused: " + e.getMessage());
    } catch (RuntimeException e) {
      return Optional.of("OIDC token unreadable");
    }
    if (!"RS256".equals(token.getHeader().getAlgorithm())) {
      return Optional.of("OIDC token must be RS256");
    }
    var payload = token.getPayload();
    if (!ISSUERS.contains(payload.getIssuer())) {
      return Optional.of("OIDC token issuer is not accounts.google.com");
    }
    if (payload.getExpirationTimeSeconds() == null) {
      return Optional.of("OIDC token has no expiry");
    }
    Object email = payload.get("email");
    Object verified = payload.get("email_verified");
    if (!serviceAccount.equals(email)) {
      return Optional.of("OIDC token is not from the push service account");
    }
    if (!Boolean.TRUE.equals(verified) && !"true".equals(verified)) {
      return Optional.of("OIDC token email is not verified");
    }
    return Optional.empty();
  }
}
