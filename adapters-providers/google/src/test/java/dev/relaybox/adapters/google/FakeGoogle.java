package dev.relaybox.adapters.google;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google on 127.0.0.1, speaking the real protocols: the OAuth token endpoint a service account calls
 * ({@code /token}), the Play Developer API ({@code /androidpublisher/v3/...}: products.get, subscriptionsv2.get and
 * the acknowledge calls) and the JWKS ({@code /certs}) for OIDC tokens it mints with its own RSA key (RS256).
 */
public final class FakeGoogle implements AutoCloseable {
  private static final Pattern PRODUCT = Pattern.compile("/androidpublisher/v3/applications/([^/]+)/purchases/products/([^/]+)/tokens/([^/:]+)(:acknowledge)?");
  private static final Pattern SUBSCRIPTION_V2 = Pattern.compile("/androidpublisher/v3/applications/([^/]+)/purchases/subscriptionsv2/tokens/([^/:]+)");
  private static final Pattern SUBSCRIPTION_ACK = Pattern.compile("/androidpublisher/v3/applications/([^/]+)/purchases/subscriptions/([^/]+)/tokens/([^/:]+):acknowledge");
  public static final String KEY_ID = "fake-google-key-1";

  private final HttpServer server;
  private final KeyPair serviceAccountKeys;
  private final KeyPair oidcKeys;
  private final Map<String, String> purchases = new ConcurrentHashMap<>();
  private final Map<String, Integer> acknowledgements = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private volatile int forcedStatus;
  private volatile int acknowledgeStatus;

  public FakeGoogle() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    serviceAccountKeys = rsa.generateKeyPair();
    oidcKeys = rsa.generateKeyPair();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  public String tokenUrl() {
    return baseUrl() + "token";
  }

  public String certsUrl() {
    return baseUrl() + "certs";
  }

  /** A service-account key file whose token_uri is this fake. */
  public Path writeServiceAccount(Path dir) throws IOException {
    String pem = "-----BEGIN PRIVATE KEY-----\\n" + Base64.getEncoder().encodeToString(serviceAccountKeys.getPrivate().getEncoded())
        + "\\n-----END PRIVATE KEY-----\\n";
    String json = """
        {"type":"service_account","project_id":"relaybox-test","private_key_id":"sa-key-1","private_key":"%s",
         "client_email":"relaybox@relaybox-test.iam.gserviceaccount.com","client_id":"1234567890",
         "token_uri":"%s"}""".formatted(pem, tokenUrl());
    Path file = dir.resolve("service-account-" + server.getAddress().getPort() + ".json");
    Files.writeString(file, json);
    return file;
  }

  /** products.get answers this for the token: purchaseState 0 (purchased) or 2 (pending); purchaseType 0 = test. */
  public void product(String token, int purchaseState, boolean acknowledged, Integer purchaseType, String accountId) {
    purchases.put(token, """
        {"kind":"androidpublisher#productPurchase","purchaseTimeMillis":"%d","purchaseState":%d,"consumptionState":0,
         "orderId":"GPA.1111-2222-3333-%s","acknowledgementState":%d%s%s,"regionCode":"US"}"""
        .formatted(Instant.now().toEpochMilli(), purchaseState, Math.abs(token.hashCode() % 10000), acknowledged ? 1 : 0,
            purchaseType == null ? "" : ",\"purchaseType\":" + purchaseType,
            accountId == null ? "" : ",\"obfuscatedExternalAccountId\":\"" + accountId + "\""));
  }

  /** subscriptionsv2.get answers this for the token. */
  public void subscription(String token, String productId, String state, Instant expiry, boolean acknowledged) {
    purchases.put(token, """
        {"kind":"androidpublisher#subscriptionPurchaseV2","startTime":"%s","regionCode":"US","subscriptionState":"%s",
         "latestOrderId":"GPA.9999-8888-7777-0000","acknowledgementState":"%s",
         "lineItems":[{"productId":"%s","expiryTime":"%s","latestSuccessfulOrderId":"GPA.9999-8888-7777-0000..%d"}]}"""
        .formatted(Instant.now().minusSeconds(60), state,
            acknowledged ? "ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED" : "ACKNOWLEDGEMENT_STATE_PENDING", productId, expiry,
            Math.abs(expiry.getEpochSecond() % 100)));
  }

  /** Every Play API call answers this status until reset to 0 (e.g. 503 for "Google is down"). */
  public void failWith(int status) {
    forcedStatus = status;
  }

  /** Every acknowledge call answers this status (e.g. 404) until reset to 0; the refused calls are not counted. */
  public void failAcknowledgementsWith(int status) {
    acknowledgeStatus = status;
  }

  /** products.get / subscriptionsv2.get answer this body as it is (to send what the client cannot read). */
  public void raw(String token, String body) {
    purchases.put(token, body);
  }

  public int acknowledgements(String token) {
    return acknowledgements.getOrDefault(token, 0);
  }

  public int tokensIssued() {
    return tokensIssued.get();
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** An OIDC ID token as Pub/Sub push sends it, signed RS256 with this fake's key. */
  public String oidcToken(String audience, String email, Instant expires) {
    return oidcToken("https://accounts.google.com", audience, email, expires, true);
  }

  public String oidcToken(String issuer, String audience, String email, Instant expires, boolean signedByUs) {
    try {
      String header = b64url("{\"alg\":\"RS256\",\"kid\":\"" + KEY_ID + "\",\"typ\":\"JWT\"}");
      long now = Instant.now().getEpochSecond();
      String payload = b64url("""
          {"iss":"%s","aud":"%s","azp":"1122334455","email":"%s","email_verified":true,"sub":"1122334455","iat":%d,"exp":%d}"""
          .formatted(issuer, audience, email, now - 5, expires.getEpochSecond()));
      Signature signature = Signature.getInstance("SHA256withRSA");
      KeyPair keys = signedByUs ? oidcKeys : otherKeys();
      signature.initSign(keys.getPrivate());
      signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
      return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair otherKeys() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    return rsa.generateKeyPair();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      exchange.getRequestBody().readAllBytes();
      requests.add(method + " " + path);
      if (path.equals("/token") && method.equals("POST")) {
        tokensIssued.incrementAndGet();
        send(exchange, 200, "{\"access_token\":\"fake-access-token\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
        return;
      }
      if (path.equals("/certs")) {
        send(exchange, 200, jwks());
        return;
      }
      if (!path.startsWith("/androidpublisher/")) {
        send(exchange, 404, "{}");
        return;
      }
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (!"Bearer fake-access-token".equals(auth)) {
        send(exchange, 401, "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\"}}");
        return;
      }
      if (forcedStatus != 0) {
        send(exchange, forcedStatus, "{\"error\":{\"code\":" + forcedStatus + ",\"message\":\"The service is currently unavailable.\"}}");
        return;
      }
      Matcher product = PRODUCT.matcher(path);
      Matcher subscription = SUBSCRIPTION_V2.matcher(path);
      Matcher subscriptionAck = SUBSCRIPTION_ACK.matcher(path);
      if (product.matches() && product.group(4) != null || subscriptionAck.matches()) {
        String token = product.matches() ? product.group(3) : subscriptionAck.group(3);
        if (acknowledgeStatus != 0) {
          send(exchange, acknowledgeStatus, "{\"error\":{\"code\":" + acknowledgeStatus + ",\"message\":\"Acknowledgement refused.\"}}");
          return;
        }
        acknowledgements.merge(token, 1, Integer::sum);
        send(exchange, 200, "{}");
      } else if (product.matches()) {
        answer(exchange, product.group(3));
      } else if (subscription.matches()) {
        answer(exchange, subscription.group(2));
      } else {
        send(exchange, 404, "{\"error\":{\"code\":404,\"message\":\"Not found\"}}");
      }
    }
  }

  private void answer(HttpExchange exchange, String token) throws IOException {
    String body = purchases.get(token);
    if (body == null) {
      send(exchange, 400, "{\"error\":{\"code\":400,\"message\":\"The purchase token is no longer valid.\",\"status\":\"INVALID_ARGUMENT\"}}");
    } else {
      send(exchange, 200, body);
    }
  }

  private String jwks() {
    RSAPublicKey key = (RSAPublicKey) oidcKeys.getPublic();
    return "{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"kid\":\"" + KEY_ID + "\",\"n\":\"" + unsigned(key.getModulus())
        + "\",\"e\":\"" + unsigned(key.getPublicExponent()) + "\"}]}";
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String b64url(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
