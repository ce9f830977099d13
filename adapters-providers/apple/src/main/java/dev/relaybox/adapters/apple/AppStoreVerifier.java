package dev.relaybox.adapters.apple;

import com.apple.itunes.storekit.client.APIException;
import com.apple.itunes.storekit.client.AppStoreServerAPIClient;
import com.apple.itunes.storekit.model.Environment;
import com.apple.itunes.storekit.model.JWSRenewalInfoDecodedPayload;
import com.apple.itunes.storekit.model.JWSTransactionDecodedPayload;
import com.apple.itunes.storekit.model.ResponseBodyV2DecodedPayload;
import com.apple.itunes.storekit.model.TransactionInfoResponse;
import com.apple.itunes.storekit.model.Type;
import com.apple.itunes.storekit.verification.SignedDataVerifier;
import com.apple.itunes.storekit.verification.VerificationException;
import com.apple.itunes.storekit.verification.VerificationStatus;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.application.purchase.port.out.AppStoreNotifications;
import dev.relaybox.application.purchase.port.out.PurchaseVerifier;
import dev.relaybox.application.purchase.port.out.VerificationRequest;
import dev.relaybox.application.purchase.port.out.VerificationResult;
import dev.relaybox.domain.purchase.PurchaseKind;
import dev.relaybox.domain.purchase.Store;
import dev.relaybox.domain.purchase.StoreStatus;
import dev.relaybox.domain.purchase.StoreTransaction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The App Store through Apple's app-store-server-library: {@link SignedDataVerifier} checks every JWS's x5c chain up to
 * the configured roots (with online revocation checks when configured), the bundle id, the app id and the environment;
 * {@link AppStoreServerAPIClient} does Get Transaction Info. A Sandbox purchase on a Production deployment is refused.
 * Nothing the library throws escapes: it is a refusal in plain words, "unavailable" (Apple or the revocation check
 * could not be reached), or an accepted notification whose transaction cannot be applied.
 */
public final class AppStoreVerifier implements PurchaseVerifier, AppStoreNotifications {
  private static final Duration API_RETRY_AFTER = Duration.ofSeconds(30);

  private final SignedDataVerifier verifier;
  private final Optional<AppStoreServerAPIClient> api;
  private final String environment;
  private final String bundleId;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  AppStoreVerifier(SignedDataVerifier verifier, Optional<AppStoreServerAPIClient> api, String environment, String bundleId, Clock clock) {
    this.verifier = verifier;
    this.api = api;
    this.environment = environment;
    this.bundleId = bundleId;
    this.clock = clock;
  }

  /** @throws IllegalArgumentException when the settings are unusable (unknown environment, unreadable certificates, …) */
  public static AppStoreVerifier create(AppleStoreSettings settings, Clock clock) {
    Environment env;
    try {
      env = Environment.fromValue(settings.environment());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("RELAYBOX_APPLE_ENVIRONMENT must be Production, Sandbox, Xcode or LocalTesting, got '"
          + settings.environment() + "'");
    }
    if (env == null) {
      throw new IllegalArgumentException("RELAYBOX_APPLE_ENVIRONMENT must be Production, Sandbox, Xcode or LocalTesting");
    }
    if ((env == Environment.XCODE || env == Environment.LOCAL_TESTING) && !settings.allowUnverifiedEnvironments()) {
      throw new IllegalArgumentException("the " + env.getValue() + " environment skips signature checks; set "
          + "RELAYBOX_ALLOW_UNVERIFIED_STORE_ENVIRONMENTS=true to allow it (never in production)");
    }
    if (env == Environment.PRODUCTION && settings.appAppleId().isEmpty()) {
      throw new IllegalArgumentException("RELAYBOX_APPLE_APP_APPLE_ID is required in the Production environment");
    }
    if (settings.rootCertificates().isEmpty() && env != Environment.XCODE && env != Environment.LOCAL_TESTING) {
      throw new IllegalArgumentException("RELAYBOX_APPLE_ROOT_CERTS must name at least one root certificate file");
    }
    Set<InputStream> roots = new HashSet<>();
    for (Path path : settings.rootCertificates()) {
      try {
        roots.add(new ByteArrayInputStream(Files.readAllBytes(path)));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read Apple root certificate " + path + ": " + e.getMessage());
      }
    }
    SignedDataVerifier verifier = new SignedDataVerifier(roots, settings.bundleId(), settings.appAppleId().orElse(null), env,
        settings.onlineChecks());
    Optional<AppStoreServerAPIClient> api = Optional.empty();
    if (settings.apiPrivateKey().isPresent() && settings.apiKeyId().isPresent() && settings.apiIssuerId().isPresent()) {
      try {
        String key = Files.readString(settings.apiPrivateKey().get());
        api = Optional.of(new RelocatableAppStoreClient(key, settings.apiKeyId().get(), settings.apiIssuerId().get(),
            settings.bundleId(), env == Environment.LOCAL_TESTING ? Environment.SANDBOX : env, settings.apiBaseUrl()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the App Store Connect API key " + settings.apiPrivateKey().get(), e);
      }
    }
    return new AppStoreVerifier(verifier, api, env.getValue(), settings.bundleId(), clock);
  }

  @Override
  public Store store() {
    return Store.APPLE;
  }

  @Override
  public VerificationResult verify(VerificationRequest request) {
    return switch (request) {
      case VerificationRequest.AppleSignedTransaction signed -> decodeTransaction(signed.signedTransaction(), "signed transaction");
      case VerificationRequest.AppleTransactionId byId -> lookUp(byId.transactionId());
      case VerificationRequest.GooglePurchase google -> new VerificationResult.Rejected("the App Store cannot verify Google purchases");
    };
  }

  private VerificationResult lookUp(String transactionId) {
    if (api.isEmpty()) {
      return new VerificationResult.Rejected("verification by transactionId needs the App Store Server API key "
          + "(RELAYBOX_APPLE_PRIVATE_KEY_FILE, RELAYBOX_APPLE_KEY_ID, RELAYBOX_APPLE_ISSUER_ID); send signedTransaction instead");
    }
    TransactionInfoResponse response;
    try {
      response = api.get().getTransactionInfo(transactionId);
    } catch (APIException e) {
      int status = e.getHttpStatusCode();
      String detail = "App Store Server API answered " + status + (e.getApiErrorMessage() == null ? "" : ": " + e.getApiErrorMessage());
      if (status == 429 || status >= 500) {
        return new VerificationResult.Unavailable(detail, Optional.of(API_RETRY_AFTER));
      }
      return new VerificationResult.Rejected(detail);
    } catch (IOException | RuntimeException e) {
      return new VerificationResult.Unavailable("App Store Server API could not be reached (" + NetworkTrouble.describe(e) + ")",
          Optional.of(API_RETRY_AFTER));
    }
    if (response == null || response.getSignedTransactionInfo() == null) {
      return new VerificationResult.Rejected("Get Transaction Info returned no signed transaction");
    }
    return decodeTransaction(response.getSignedTransactionInfo(), "Get Transaction Info");
  }

  private VerificationResult decodeTransaction(String jws, String source) {
    JWSTransactionDecodedPayload payload;
    try {
      payload = verifier.verifyAndDecodeTransaction(jws);
    } catch (VerificationException e) {
      if (e.getStatus() == VerificationStatus.RETRYABLE_VERIFICATION_FAILURE) {
        return new VerificationResult.Unavailable("the certificates' revocation status could not be checked", Optional.empty());
      }
      return new VerificationResult.Rejected(reason(e));
    } catch (RuntimeException e) {
      return new VerificationResult.Rejected("the signed transaction is not a readable App Store transaction");
    }
    Usable usable = transaction(payload, Optional.empty());
    if (usable.transaction().isEmpty()) {
      return new VerificationResult.Rejected(usable.unusable().orElseThrow());
    }
    StoreTransaction tx = usable.transaction().get();
    return new VerificationResult.Verified(tx, source + " verified: " + payload.getProductId() + " transaction "
        + payload.getTransactionId() + " " + payload.getRawEnvironment() + " " + tx.status()
        + tx.statusDetail().map(d -> " (" + d + ")").orElse(""));
  }

  @Override
  public AppleNotification verify(String signedPayload) throws NotificationRejected, VerificationUnavailable {
    ResponseBodyV2DecodedPayload payload;
    try {
      payload = verifier.verifyAndDecodeNotification(signedPayload);
    } catch (VerificationException e) {
      if (e.getStatus() == VerificationStatus.RETRYABLE_VERIFICATION_FAILURE) {
        throw new VerificationUnavailable("the certificates' revocation status could not be checked; try again later");
      }
      throw new NotificationRejected(reason(e));
    } catch (RuntimeException e) {
      throw new NotificationRejected("the signed payload is not a readable App Store Server Notification");
    }
    if (payload.getNotificationUUID() == null || payload.getNotificationUUID().isBlank()) {
      throw new NotificationRejected("the notification has no notificationUUID");
    }
    ObjectNode decoded = claims(signedPayload).orElseGet(json::createObjectNode);
    ObjectNode data = decoded.path("data").isObject() ? (ObjectNode) decoded.get("data") : null;

    Optional<JWSRenewalInfoDecodedPayload> renewal = Optional.empty();
    String signedRenewal = payload.getData() == null ? null : payload.getData().getSignedRenewalInfo();
    if (signedRenewal != null) {
      renewal = Optional.of(verified(() -> verifier.verifyAndDecodeRenewalInfo(signedRenewal), "signedRenewalInfo"));
      claims(signedRenewal).filter(claims -> data != null).ifPresent(claims -> data.set("renewalInfo", claims));
    }
    Usable usable = new Usable(Optional.empty(), Optional.empty());
    String signedTransaction = payload.getData() == null ? null : payload.getData().getSignedTransactionInfo();
    if (signedTransaction != null) {
      JWSTransactionDecodedPayload tx = verified(() -> verifier.verifyAndDecodeTransaction(signedTransaction), "signedTransactionInfo");
      claims(signedTransaction).filter(claims -> data != null).ifPresent(claims -> data.set("transactionInfo", claims));
      usable = transaction(tx, renewal);
    }
    String env = payload.getData() != null && payload.getData().getRawEnvironment() != null ? payload.getData().getRawEnvironment()
        : payload.getSummary() != null && payload.getSummary().getRawEnvironment() != null ? payload.getSummary().getRawEnvironment()
        : environment;
    return new AppleNotification(payload.getNotificationUUID(), payload.getRawNotificationType() == null ? "" : payload.getRawNotificationType(),
        payload.getRawSubtype(), env, usable.transaction(), usable.unusable(), write(decoded));
  }

  private interface Decode<T> {
    T run() throws VerificationException;
  }

  private static <T> T verified(Decode<T> decode, String part) throws NotificationRejected, VerificationUnavailable {
    try {
      return decode.run();
    } catch (VerificationException e) {
      if (e.getStatus() == VerificationStatus.RETRYABLE_VERIFICATION_FAILURE) {
        throw new VerificationUnavailable(part + ": the certificates' revocation status could not be checked; try again later");
      }
      throw new NotificationRejected(part + ": " + reason(e));
    } catch (RuntimeException e) {
      throw new NotificationRejected(part + " is not readable App Store data");
    }
  }

  /** The claims of a JWS the library has verified, exactly as Apple sent them (unknown fields included). */
  private Optional<ObjectNode> claims(String jws) {
    String[] parts = jws.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode node = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
      return node instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private String write(ObjectNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A transaction Relaybox can apply, or why it cannot (Apple's own mock transactions carry no identifiers). */
  private record Usable(Optional<StoreTransaction> transaction, Optional<String> unusable) {}

  private Usable transaction(JWSTransactionDecodedPayload p, Optional<JWSRenewalInfoDecodedPayload> renewal) {
    String original = p.getOriginalTransactionId() != null ? p.getOriginalTransactionId() : p.getTransactionId();
    if (original == null || original.isBlank()) {
      return new Usable(Optional.empty(), Optional.of("the signed transaction names no transactionId or originalTransactionId"));
    }
    if (p.getProductId() == null || p.getProductId().isBlank()) {
      return new Usable(Optional.empty(), Optional.of("the signed transaction names no productId"));
    }
    PurchaseKind kind = p.getType() == Type.AUTO_RENEWABLE_SUBSCRIPTION ? PurchaseKind.SUBSCRIPTION : PurchaseKind.PRODUCT;
    Optional<Instant> expires = Optional.ofNullable(p.getExpiresDate()).map(Instant::ofEpochMilli);
    Optional<Instant> grace = renewal.map(JWSRenewalInfoDecodedPayload::getGracePeriodExpiresDate).map(Instant::ofEpochMilli);
    Instant now = clock.instant();
    StoreStatus status;
    Optional<String> detail;
    if (p.getRevocationDate() != null) {
      status = StoreStatus.REVOKED;
      detail = Optional.of("revoked by Apple at " + Instant.ofEpochMilli(p.getRevocationDate())
          + (p.getRawRevocationReason() == null ? "" : " (revocationReason " + p.getRawRevocationReason() + ")"));
    } else if (expires.isPresent() && !expires.get().isAfter(now)) {
      if (grace.isPresent() && grace.get().isAfter(now)) {
        status = StoreStatus.ACTIVE;
        detail = Optional.of("in the billing grace period until " + grace.get());
      } else {
        status = StoreStatus.EXPIRED;
        detail = Optional.of("expired at " + expires.get());
      }
    } else {
      status = StoreStatus.ACTIVE;
      detail = Optional.empty();
    }
    return new Usable(Optional.of(new StoreTransaction(Store.APPLE, p.getRawEnvironment() == null ? environment : p.getRawEnvironment(),
        original, p.getProductId(), kind, p.getTransactionId(), original, status,
        Optional.ofNullable(p.getPurchaseDate()).map(Instant::ofEpochMilli), expires,
        Optional.ofNullable(p.getPrice()).map(milli -> milli * 1_000L), Optional.ofNullable(p.getCurrency()), true,
        Optional.ofNullable(p.getAppAccountToken()).map(UUID::toString), Optional.of(p.getBundleId() == null ? bundleId : p.getBundleId()),
        detail)), Optional.empty());
  }

  private static String reason(VerificationException e) {
    return switch (e.getStatus()) {
      case INVALID_APP_IDENTIFIER -> "wrong bundle id or app id";
      case INVALID_ENVIRONMENT -> "wrong environment for this deployment";
      case INVALID_CHAIN, INVALID_CHAIN_LENGTH, INVALID_CERTIFICATE -> "certificate chain does not lead to a trusted Apple root";
      case VERIFICATION_FAILURE -> "signature verification failed";
      default -> "verification failed";
    };
  }

  /** Plain words for a network failure, never a class name. */
  static final class NetworkTrouble {
    private NetworkTrouble() {}

    static String describe(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof InterruptedIOException) {
          return "timed out";
        }
        if (t instanceof UnknownHostException) {
          return "host not found";
        }
        if (t instanceof ConnectException) {
          return "connection refused";
        }
        if (t instanceof javax.net.ssl.SSLException) {
          return "TLS handshake failed";
        }
      }
      return "network error";
    }
  }
}
