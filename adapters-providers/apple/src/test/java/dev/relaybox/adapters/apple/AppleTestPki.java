package dev.relaybox.adapters.apple;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A stand-in for Apple's PKI built in the test: a root CA, a WWDR-like intermediate carrying OID
 * 1.2.840.113635.100.6.2.1 and a signer leaf carrying 1.2.840.113635.100.6.11.1, all P-256; it signs real ES256 JWS with
 * the x5c header the App Store uses, for StoreKit transactions and App Store Server Notifications V2.
 */
public final class AppleTestPki {
  public static final String WWDR_INTERMEDIATE_OID = "1.2.840.113635.100.6.2.1";
  public static final String RECEIPT_SIGNER_OID = "1.2.840.113635.100.6.11.1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  public final X509Certificate root;
  public final X509Certificate intermediate;
  public final X509Certificate leaf;
  private final PrivateKey leafKey;

  private AppleTestPki(X509Certificate root, X509Certificate intermediate, X509Certificate leaf, PrivateKey leafKey) {
    this.root = root;
    this.intermediate = intermediate;
    this.leaf = leaf;
    this.leafKey = leafKey;
  }

  public static AppleTestPki create(String name) {
    try {
      KeyPair rootKeys = ecKeys();
      KeyPair intermediateKeys = ecKeys();
      KeyPair leafKeys = ecKeys();
      X509Certificate root = certificate("CN=" + name + " Root CA", rootKeys, "CN=" + name + " Root CA", rootKeys, true, null);
      X509Certificate intermediate = certificate("CN=" + name + " Root CA", rootKeys, "CN=" + name + " WWDR", intermediateKeys, true,
          WWDR_INTERMEDIATE_OID);
      X509Certificate leaf = certificate("CN=" + name + " WWDR", intermediateKeys, "CN=" + name + " StoreKit Signer", leafKeys, false,
          RECEIPT_SIGNER_OID);
      return new AppleTestPki(root, intermediate, leaf, leafKeys.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A chain whose leaf and intermediate are this PKI's but whose root is another one (an unknown root to verifiers of this). */
  public Path writeRoot(Path dir) throws IOException {
    Path file = dir.resolve("root-" + root.getSerialNumber() + ".pem");
    try {
      Files.writeString(file, "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(root.getEncoded())
          + "\n-----END CERTIFICATE-----\n");
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException(e);
    }
    return file;
  }

  /** A signed StoreKit 2 transaction. */
  public String signedTransaction(Map<String, Object> payload) {
    return sign(payload);
  }

  /** A signed App Store Server Notification V2 payload. */
  public String signedNotification(Map<String, Object> payload) {
    return sign(payload);
  }

  public String sign(Map<String, Object> payload) {
    try {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("alg", "ES256");
      header.put("x5c", List.of(b64(leaf.getEncoded()), b64(intermediate.getEncoded()), b64(root.getEncoded())));
      String signingInput = b64url(JSON.writeValueAsBytes(header)) + "." + b64url(JSON.writeValueAsBytes(payload));
      Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
      signature.initSign(leafKey);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64url(signature.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Transaction claims as the App Store writes them. */
  public static Map<String, Object> transaction(String bundleId, String environment, String transactionId, String originalTransactionId,
      String productId, Instant purchased, Instant expires) {
    Map<String, Object> tx = new LinkedHashMap<>();
    tx.put("transactionId", transactionId);
    tx.put("originalTransactionId", originalTransactionId);
    tx.put("bundleId", bundleId);
    tx.put("productId", productId);
    tx.put("purchaseDate", purchased.toEpochMilli());
    tx.put("originalPurchaseDate", purchased.toEpochMilli());
    if (expires != null) {
      tx.put("expiresDate", expires.toEpochMilli());
      tx.put("type", "Auto-Renewable Subscription");
    } else {
      tx.put("type", "Non-Consumable");
    }
    tx.put("quantity", 1);
    tx.put("inAppOwnershipType", "PURCHASED");
    tx.put("signedDate", Instant.now().toEpochMilli());
    tx.put("environment", environment);
    tx.put("transactionReason", "PURCHASE");
    tx.put("storefront", "USA");
    tx.put("price", 9990);
    tx.put("currency", "USD");
    return tx;
  }

  /**
   * A transaction shaped like the App Store Server Library's own mock: signed, for the right app, but carrying only
   * bundleId, environment and signedDate (no transactionId, originalTransactionId, productId or type).
   */
  public static Map<String, Object> mockTransaction(String bundleId, String environment) {
    Map<String, Object> tx = new LinkedHashMap<>();
    tx.put("bundleId", bundleId);
    tx.put("environment", environment);
    tx.put("signedDate", Instant.now().toEpochMilli());
    return tx;
  }

  /** Renewal info claims as the App Store writes them; {@code graceUntil} may be null. */
  public static Map<String, Object> renewalInfo(String environment, String originalTransactionId, String productId, Instant graceUntil) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("originalTransactionId", originalTransactionId);
    info.put("autoRenewProductId", productId);
    info.put("productId", productId);
    info.put("autoRenewStatus", 1);
    info.put("isInBillingRetryPeriod", graceUntil != null);
    if (graceUntil != null) {
      info.put("gracePeriodExpiresDate", graceUntil.toEpochMilli());
    }
    info.put("signedDate", Instant.now().toEpochMilli());
    info.put("environment", environment);
    return info;
  }

  /** RENEWAL_EXTENSION / SUMMARY: a {@code summary} instead of {@code data}. */
  public static Map<String, Object> summaryNotification(String notificationUuid, String bundleId, long appAppleId, String environment) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("requestIdentifier", "efb27071-45a4-4aca-9854-2a1e9146f265");
    summary.put("environment", environment);
    summary.put("appAppleId", appAppleId);
    summary.put("bundleId", bundleId);
    summary.put("productId", "com.example.product");
    summary.put("storefrontCountryCodes", List.of("CAN", "USA", "MEX"));
    summary.put("succeededCount", 5);
    summary.put("failedCount", 2);
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("notificationType", "RENEWAL_EXTENSION");
    n.put("subtype", "SUMMARY");
    n.put("notificationUUID", notificationUuid);
    n.put("version", "2.0");
    n.put("signedDate", Instant.now().toEpochMilli());
    n.put("summary", summary);
    return n;
  }

  /** EXTERNAL_PURCHASE_TOKEN / UNREPORTED: an {@code externalPurchaseToken} instead of {@code data}. */
  public static Map<String, Object> externalPurchaseTokenNotification(String notificationUuid, String bundleId, long appAppleId) {
    Map<String, Object> token = new LinkedHashMap<>();
    token.put("externalPurchaseId", "b2158121-7af9-49d4-9561-1f588205523e");
    token.put("tokenCreationDate", 1698148950000L);
    token.put("appAppleId", appAppleId);
    token.put("bundleId", bundleId);
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("notificationType", "EXTERNAL_PURCHASE_TOKEN");
    n.put("subtype", "UNREPORTED");
    n.put("notificationUUID", notificationUuid);
    n.put("version", "2.0");
    n.put("signedDate", Instant.now().toEpochMilli());
    n.put("externalPurchaseToken", token);
    return n;
  }

  /** Notification claims; {@code signedTransactionInfo} may be null (TEST). */
  public static Map<String, Object> notification(String notificationUuid, String type, String subtype, String bundleId, long appAppleId,
      String environment, String signedTransactionInfo) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("environment", environment);
    data.put("bundleId", bundleId);
    data.put("appAppleId", appAppleId);
    data.put("bundleVersion", "1.0");
    if (signedTransactionInfo != null) {
      data.put("signedTransactionInfo", signedTransactionInfo);
    }
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("notificationType", type);
    if (subtype != null) {
      n.put("subtype", subtype);
    }
    n.put("notificationUUID", notificationUuid);
    n.put("version", "2.0");
    n.put("signedDate", Instant.now().toEpochMilli());
    n.put("data", data);
    return n;
  }

  /** Flips one character of the signature part. */
  public static String tamper(String jws) {
    int dot = jws.lastIndexOf('.');
    char c = jws.charAt(dot + 5);
    return jws.substring(0, dot + 5) + (c == 'A' ? 'B' : 'A') + jws.substring(dot + 6);
  }

  private static KeyPair ecKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate certificate(String issuer, KeyPair issuerKeys, String subject, KeyPair subjectKeys, boolean ca,
      String appleOid) throws Exception {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), new X500Name(subject), subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    builder.addExtension(Extension.keyUsage, true, ca ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
        : new KeyUsage(KeyUsage.digitalSignature));
    if (appleOid != null) {
      builder.addExtension(new ASN1ObjectIdentifier(appleOid), false, DERNull.INSTANCE);
    }
    var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static String b64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
