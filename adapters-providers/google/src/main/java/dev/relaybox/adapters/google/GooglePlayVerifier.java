package dev.relaybox.adapters.google;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.androidpublisher.AndroidPublisher;
import com.google.api.services.androidpublisher.AndroidPublisherScopes;
import com.google.api.services.androidpublisher.model.ProductPurchase;
import com.google.api.services.androidpublisher.model.ProductPurchasesAcknowledgeRequest;
import com.google.api.services.androidpublisher.model.SubscriptionPurchaseLineItem;
import com.google.api.services.androidpublisher.model.SubscriptionPurchaseV2;
import com.google.api.services.androidpublisher.model.SubscriptionPurchasesAcknowledgeRequest;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.relaybox.application.purchase.port.out.PurchaseAcknowledger;
import dev.relaybox.application.purchase.port.out.PurchaseVerifier;
import dev.relaybox.application.purchase.port.out.VerificationRequest;
import dev.relaybox.application.purchase.port.out.VerificationResult;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.domain.purchase.PurchaseKind;
import dev.relaybox.domain.purchase.Store;
import dev.relaybox.domain.purchase.StoreStatus;
import dev.relaybox.domain.purchase.StoreTransaction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Google Play through Google's own clients: the Android Publisher API ({@code purchases.products.get},
 * {@code purchases.subscriptionsv2.get}, the acknowledge calls) authorised by a service account through
 * google-auth-library. 400/404/410 are refusals; 401/403/429/5xx and I/O failures mean Google (or our access to it) is
 * unavailable for now; an answer the client cannot read is a refusal. Nothing the client throws escapes, and no
 * detail names a Java class. Google's states follow its documentation: purchaseState 0 purchased, 1 canceled (never
 * paid), 2 pending; a CANCELED subscription keeps access until its expiry; PENDING_PURCHASE_CANCELED was never paid.
 */
public final class GooglePlayVerifier implements PurchaseVerifier, PurchaseAcknowledger {
  private final AndroidPublisher publisher;
  private final Clock clock;

  GooglePlayVerifier(AndroidPublisher publisher, Clock clock) {
    this.publisher = publisher;
    this.clock = clock;
  }

  /** @throws IllegalArgumentException when the service-account file cannot be read */
  public static GooglePlayVerifier create(GooglePlaySettings settings, Clock clock) {
    HttpTransport transport = new NetHttpTransport();
    ServiceAccountCredentials credentials;
    try (InputStream in = Files.newInputStream(settings.serviceAccountFile())) {
      ServiceAccountCredentials.Builder builder = ServiceAccountCredentials.fromStream(in, () -> transport).toBuilder()
          .setScopes(List.of(AndroidPublisherScopes.ANDROIDPUBLISHER));
      settings.tokenUrl().ifPresent(url -> builder.setTokenServerUri(URI.create(url)));
      credentials = builder.build();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the Google service account in RELAYBOX_GOOGLE_SERVICE_ACCOUNT_FILE ("
          + settings.serviceAccountFile() + "): " + e.getMessage());
    }
    HttpCredentialsAdapter auth = new HttpCredentialsAdapter(credentials);
    int timeout = (int) settings.timeout().toMillis();
    HttpRequestInitializer initializer = request -> {
      auth.initialize(request);
      request.setConnectTimeout(timeout);
      request.setReadTimeout(timeout);
      request.setNumberOfRetries(0);
    };
    AndroidPublisher.Builder builder = new AndroidPublisher.Builder(transport, GsonFactory.getDefaultInstance(), initializer)
        .setApplicationName("relaybox");
    settings.rootUrl().ifPresent(builder::setRootUrl);
    return new GooglePlayVerifier(builder.build(), clock);
  }

  @Override
  public Store store() {
    return Store.GOOGLE;
  }

  @Override
  public VerificationResult verify(VerificationRequest request) {
    if (!(request instanceof VerificationRequest.GooglePurchase google)) {
      return new VerificationResult.Rejected("Google Play cannot verify App Store purchases");
    }
    try {
      return google.kind() == PurchaseKind.PRODUCT ? product(google) : subscription(google);
    } catch (HttpResponseException e) {
      int status = e.getStatusCode();
      String detail = "Google Play API " + status + ": " + message(e);
      if (status == 400 || status == 404 || status == 410) {
        return new VerificationResult.Rejected(detail);
      }
      return new VerificationResult.Unavailable(detail, retryAfter(e));
    } catch (IOException | UncheckedIOException e) {
      return new VerificationResult.Unavailable("Google Play API could not be reached (" + NetworkTrouble.describe(e) + ")",
          Optional.empty());
    } catch (RuntimeException e) {
      return new VerificationResult.Rejected("Google Play's answer about this purchase could not be read");
    }
  }

  private VerificationResult product(VerificationRequest.GooglePurchase r) throws IOException {
    ProductPurchase p = publisher.purchases().products().get(r.packageName(), r.productId(), r.purchaseToken()).execute();
    int state = p.getPurchaseState() == null ? 0 : p.getPurchaseState();
    StoreStatus status = switch (state) {
      case 0 -> StoreStatus.ACTIVE;
      case 1 -> StoreStatus.CANCELED;
      case 2 -> StoreStatus.PENDING;
      default -> StoreStatus.PENDING;
    };
    Optional<String> detail = switch (state) {
      case 0 -> Optional.empty();
      case 1 -> Optional.of("Google Play says the purchase was canceled (purchaseState 1)");
      case 2 -> Optional.of("Google Play says the payment is pending (purchaseState 2)");
      default -> Optional.of("Google Play answered an unknown purchaseState " + state);
    };
    String environment = p.getPurchaseType() != null && p.getPurchaseType() == 0 ? "Test" : "Production";
    StoreTransaction tx = new StoreTransaction(Store.GOOGLE, environment, r.purchaseToken(), r.productId(), PurchaseKind.PRODUCT,
        nonNull(p.getOrderId()), nonNull(p.getOrderId()), status,
        Optional.ofNullable(p.getPurchaseTimeMillis()).map(Instant::ofEpochMilli), Optional.empty(), Optional.empty(), Optional.empty(),
        p.getAcknowledgementState() != null && p.getAcknowledgementState() == 1,
        Optional.ofNullable(p.getObfuscatedExternalAccountId()), Optional.of(r.packageName()), detail);
    return new VerificationResult.Verified(tx, "products.get: purchaseState=" + state + " acknowledgementState="
        + p.getAcknowledgementState() + " orderId=" + p.getOrderId() + " " + environment);
  }

  private VerificationResult subscription(VerificationRequest.GooglePurchase r) throws IOException {
    SubscriptionPurchaseV2 s = publisher.purchases().subscriptionsv2().get(r.packageName(), r.purchaseToken()).execute();
    String state = nonNull(s.getSubscriptionState());
    List<SubscriptionPurchaseLineItem> items = s.getLineItems() == null ? List.of() : s.getLineItems();
    Optional<SubscriptionPurchaseLineItem> latest = items.stream().filter(i -> i.getExpiryTime() != null)
        .max(Comparator.comparing(i -> Instant.parse(i.getExpiryTime())));
    String productId = latest.map(SubscriptionPurchaseLineItem::getProductId).orElse(r.productId());
    Optional<Instant> expires = latest.map(i -> Instant.parse(i.getExpiryTime()));
    boolean periodLeft = expires.isPresent() && expires.get().isAfter(clock.instant());
    // CANCELED only means auto-renew is off: the user keeps access until the end of the paid period
    StoreStatus status = switch (state) {
      case "SUBSCRIPTION_STATE_ACTIVE", "SUBSCRIPTION_STATE_IN_GRACE_PERIOD" -> StoreStatus.ACTIVE;
      case "SUBSCRIPTION_STATE_CANCELED" -> periodLeft ? StoreStatus.ACTIVE : StoreStatus.EXPIRED;
      case "SUBSCRIPTION_STATE_PENDING" -> StoreStatus.PENDING;
      case "SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED" -> StoreStatus.CANCELED;
      case "SUBSCRIPTION_STATE_EXPIRED", "SUBSCRIPTION_STATE_ON_HOLD", "SUBSCRIPTION_STATE_PAUSED" -> StoreStatus.EXPIRED;
      default -> StoreStatus.PENDING;
    };
    Optional<String> detail = status == StoreStatus.ACTIVE && !state.equals("SUBSCRIPTION_STATE_IN_GRACE_PERIOD") ? Optional.empty()
        : Optional.of("Google Play says " + (state.isEmpty() ? "no subscription state" : state));
    String environment = s.getTestPurchase() != null ? "Test" : "Production";
    String orderId = latest.map(SubscriptionPurchaseLineItem::getLatestSuccessfulOrderId).orElse("");
    StoreTransaction tx = new StoreTransaction(Store.GOOGLE, environment, r.purchaseToken(), productId, PurchaseKind.SUBSCRIPTION,
        nonNull(orderId), nonNull(orderId).replaceAll("\\.\\.\\d+$", ""), status,
        Optional.ofNullable(s.getStartTime()).map(Instant::parse), expires, Optional.empty(), Optional.empty(),
        "ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED".equals(s.getAcknowledgementState()),
        Optional.ofNullable(s.getExternalAccountIdentifiers()).map(a -> a.getObfuscatedExternalAccountId()),
        Optional.of(r.packageName()), detail);
    return new VerificationResult.Verified(tx, "subscriptionsv2.get: " + state + " " + s.getAcknowledgementState() + " expires "
        + expires.map(Instant::toString).orElse("-") + " " + environment);
  }

  @Override
  public Outcome acknowledge(String packageName, String productId, String purchaseToken, PurchaseKind kind) {
    try {
      if (kind == PurchaseKind.PRODUCT) {
        publisher.purchases().products().acknowledge(packageName, productId, purchaseToken, new ProductPurchasesAcknowledgeRequest())
            .execute();
      } else {
        publisher.purchases().subscriptions().acknowledge(packageName, productId, purchaseToken,
            new SubscriptionPurchasesAcknowledgeRequest()).execute();
      }
      return Outcome.done();
    } catch (HttpResponseException e) {
      int status = e.getStatusCode();
      if (status == 400 || status == 404 || status == 410) {
        return Outcome.fail("Google Play refused the acknowledgement: " + status + " " + message(e));
      }
      return new Outcome.Retry(retryAfter(e), "Google Play " + status);
    } catch (IOException | UncheckedIOException e) {
      return Outcome.retry("Google Play could not be reached (" + NetworkTrouble.describe(e) + ")");
    } catch (RuntimeException e) {
      return Outcome.retry("the acknowledgement call failed inside the Google client");
    }
  }

  private static Optional<Duration> retryAfter(HttpResponseException e) {
    Object header = e.getHeaders() == null ? null : e.getHeaders().getRetryAfter();
    if (header == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(header.toString().strip())));
    } catch (NumberFormatException ignored) {
      return Optional.empty();
    }
  }

  private static String message(HttpResponseException e) {
    if (e instanceof GoogleJsonResponseException json && json.getDetails() != null && json.getDetails().getMessage() != null) {
      return json.getDetails().getMessage();
    }
    return e.getStatusMessage() == null ? "" : e.getStatusMessage();
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }
}
