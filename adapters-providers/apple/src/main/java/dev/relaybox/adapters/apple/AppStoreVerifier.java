package dev.relaybox.adapters.apple;

import com.apple.itunes.storekit.client.APIException;
import com.apple.itunes.storekit.client.AppStoreServerAPIClient;
import com.apple.itunes.storekit.model.Environment;
import com.apple.itunes.storekit.model.JWSTransactionDecodedPayload;
import com.apple.itunes.storekit.model.ResponseBodyV2DecodedPayload;
import com.apple.itunes.storekit.model.TransactionInfoResponse;
import com.apple.itunes.storekit.model.Type;
import com.apple.itunes.storekit.verification.SignedDataVerifier;
import com.apple.itunes.storekit.verification.VerificationException;
import com.apple.itunes.storekit.verification.VerificationStatus;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The App Store through Apple's app-store-server-library: {@link SignedDataVerifier} checks every JWS's x5c chain up to
 * the configured roots (online revocation checks off), the bundle id, the app id and the environment;
 * {@link AppStoreServerAPIClient} does Get Transaction Info. A Sandbox purchase on a Production deployment is refused.
 */
public final class AppStoreVerifier implements PurchaseVerifier, AppStoreNotifications {
  private final SignedDataVerifier verifier;
  private final Optional<AppStoreServerAPIClient> api;
  private final String environment;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  AppStoreVerifier(SignedDataVerifier verifier, Optional<AppStoreServerAPIClient> api, String environment, Clock clock) {
    this.verifier = verifier;
    this.api = api;
    this.environment = environment;
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
    SignedDataVerifier verifier = new SignedDataVerifier(roots, settings.bundleId(), settings.appAppleId().orElse(null), env, false);
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
    return new AppStoreVerifier(verifier, api, env.getValue(), clock);
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
    try {
      TransactionInfoResponse response = api.get().getTransactionInfo(transactionId);
      if (response.getSignedTransactionInfo() == null) {
        return new VerificationResult.Rejected("Get Transaction Info returned no signedTransactionInfo");
      }
      return decodeTransaction(response.getSignedTransactionInfo(), "Get Transaction Info");
    } catch (APIException e) {
      int status = e.getHttpStatusCode();
      String detail = "App Store Server API " + status + (e.getApiErrorMessage() == null ? "" : ": " + e.getApiErrorMessage());
      if (status == 429 || status >= 500) {
        return new VerificationResult.Unavailable(detail, Optional.empty());
      }
      return new VerificationResult.Rejected(detail);
    } catch (IOException | RuntimeException e) {
      return new VerificationResult.Unavailable("App Store Server API unreachable: " + e.getClass().getSimpleName(), Optional.of(Duration.ofSeconds(30)));
    }
  }

  private VerificationResult decodeTransaction(String jws, String source) {
    try {
      JWSTransactionDecodedPayload payload = verifier.verifyAndDecodeTransaction(jws);
      StoreTransaction tx = transaction(payload);
      return new VerificationResult.Verified(tx, source + " verified: " + payload.getProductId() + " transaction "
          + payload.getTransactionId() + " " + payload.getRawEnvironment() + " " + tx.status());
    } catch (VerificationException e) {
      if (e.getStatus() == VerificationStatus.RETRYABLE_VERIFICATION_FAILURE) {
        return new VerificationResult.Unavailable("certificate status could not be checked", Optional.empty());
      }
      return new VerificationResult.Rejected(reason(e));
    } catch (RuntimeException e) {
      return new VerificationResult.Rejected("the signed transaction cannot be decoded: " + e.getClass().getSimpleName());
    }
  }

  @Override
  public AppleNotification verify(String signedPayload) throws NotificationRejected {
    ResponseBodyV2DecodedPayload payload;
    try {
      payload = verifier.verifyAndDecodeNotification(signedPayload);
    } catch (VerificationException e) {
      throw new NotificationRejected(reason(e));
    } catch (RuntimeException e) {
      throw new NotificationRejected("the signed payload cannot be decoded: " + e.getClass().getSimpleName());
    }
    if (payload.getNotificationUUID() == null || payload.getNotificationUUID().isBlank()) {
      throw new NotificationRejected("the notification has no notificationUUID");
    }
    Optional<StoreTransaction> tx = Optional.empty();
    String signedTransaction = payload.getData() == null ? null : payload.getData().getSignedTransactionInfo();
    JWSTransactionDecodedPayload decodedTx = null;
    if (signedTransaction != null) {
      try {
        decodedTx = verifier.verifyAndDecodeTransaction(signedTransaction);
        tx = Optional.of(transaction(decodedTx));
      } catch (VerificationException e) {
        throw new NotificationRejected("signedTransactionInfo: " + reason(e));
      }
    }
    String env = payload.getData() != null && payload.getData().getRawEnvironment() != null
        ? payload.getData().getRawEnvironment() : environment;
    return new AppleNotification(payload.getNotificationUUID(), payload.getRawNotificationType(),
        payload.getRawSubtype(), env, tx, decodedJson(payload, decodedTx));
  }

  private String decodedJson(ResponseBodyV2DecodedPayload payload, JWSTransactionDecodedPayload tx) {
    ObjectNode node = json.createObjectNode();
    node.put("notificationType", payload.getRawNotificationType());
    node.put("subtype", payload.getRawSubtype());
    node.put("notificationUUID", payload.getNotificationUUID());
    node.put("version", payload.getVersion());
    node.put("signedDate", payload.getSignedDate());
    if (payload.getData() != null) {
      node.put("environment", payload.getData().getRawEnvironment());
      node.put("bundleId", payload.getData().getBundleId());
      node.put("appAppleId", payload.getData().getAppAppleId());
    }
    if (tx != null) {
      ObjectNode t = node.putObject("transaction");
      t.put("transactionId", tx.getTransactionId());
      t.put("originalTransactionId", tx.getOriginalTransactionId());
      t.put("productId", tx.getProductId());
      t.put("type", tx.getRawType());
      t.put("purchaseDate", tx.getPurchaseDate());
      t.put("expiresDate", tx.getExpiresDate());
      t.put("revocationDate", tx.getRevocationDate());
      t.put("price", tx.getPrice());
      t.put("currency", tx.getCurrency());
    }
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private StoreTransaction transaction(JWSTransactionDecodedPayload p) {
    Type type = p.getType();
    PurchaseKind kind = type == Type.AUTO_RENEWABLE_SUBSCRIPTION ? PurchaseKind.SUBSCRIPTION : PurchaseKind.PRODUCT;
    Optional<Instant> expires = Optional.ofNullable(p.getExpiresDate()).map(Instant::ofEpochMilli);
    StoreStatus status;
    if (p.getRevocationDate() != null) {
      status = StoreStatus.REVOKED;
    } else if (expires.isPresent() && !expires.get().isAfter(clock.instant())) {
      status = StoreStatus.EXPIRED;
    } else {
      status = StoreStatus.ACTIVE;
    }
    String original = p.getOriginalTransactionId() == null ? p.getTransactionId() : p.getOriginalTransactionId();
    return new StoreTransaction(Store.APPLE, p.getRawEnvironment() == null ? environment : p.getRawEnvironment(), original,
        p.getProductId(), kind, p.getTransactionId(), original, status,
        Optional.ofNullable(p.getPurchaseDate()).map(Instant::ofEpochMilli), expires,
        Optional.ofNullable(p.getPrice()).map(milli -> milli * 1_000L), Optional.ofNullable(p.getCurrency()), true,
        Optional.ofNullable(p.getAppAccountToken()).map(UUID::toString));
  }

  private static String reason(VerificationException e) {
    return switch (e.getStatus()) {
      case INVALID_APP_IDENTIFIER -> "wrong bundle id or app id";
      case INVALID_ENVIRONMENT -> "wrong environment for this deployment";
      case INVALID_CHAIN, INVALID_CHAIN_LENGTH, INVALID_CERTIFICATE -> "certificate chain does not lead to a trusted Apple root ("
          + e.getStatus() + ")";
      case VERIFICATION_FAILURE -> "signature verification failed";
      default -> "verification failed (" + e.getStatus() + ")";
    };
  }
}
