package dev.relaybox.adapters.paymentprovider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.application.payment.port.out.PaymentProvider;
import dev.relaybox.domain.payment.ProviderStatus;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The payment provider over HTTP (docs/payment-provider.md). Every call has a timeout; the answer is classified so the
 * application can tell "created", "maybe created" and "not created" apart.
 */
public final class HttpPaymentProvider implements PaymentProvider {
  private static final Duration DEFAULT_THROTTLE = Duration.ofSeconds(1);

  private final URI base;
  private final String apiKey;
  private final Duration timeout;
  private final ObjectMapper json;
  private final HttpClient http;

  public HttpPaymentProvider(URI base, String apiKey, Duration timeout, ObjectMapper json) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text : text + "/");
    this.apiKey = apiKey;
    this.timeout = timeout;
    this.json = json;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public Lookup find(UUID transactionId) {
    HttpRequest request = request("transactions/" + transactionId).GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new Lookup.Unavailable(describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Lookup.Unavailable("interrupted");
    }
    int status = response.statusCode();
    if (status == 200) {
      JsonNode body = parse(response.body());
      Optional<ProviderStatus> reported = ProviderStatus.parse(body.path("status").asText(null));
      if (reported.isEmpty()) {
        return new Lookup.Unavailable("200 without a known status");
      }
      return new Lookup.Found(reported.get(), text(body, "reason"));
    }
    if (status == 404) {
      return new Lookup.NotFound();
    }
    if (status == 429) {
      return new Lookup.Throttled(retryAfter(response));
    }
    return new Lookup.Unavailable("HTTP " + status);
  }

  @Override
  public Creation create(ProviderRequest r) {
    ObjectNode body = json.createObjectNode()
        .put("id", r.id().toString())
        .put("type", r.type())
        .put("amount", r.amount())
        .put("currency", r.currency());
    r.reference().ifPresentOrElse(ref -> body.put("reference", ref), () -> body.putNull("reference"));
    HttpRequest request = request("transactions")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      return new Creation.Unknown("timed out after " + timeout.toMillis() + " ms");
    } catch (ConnectException e) {
      return new Creation.NotCreated("no connection");
    } catch (IOException e) {
      // The request may have reached the provider before the connection broke.
      return new Creation.Unknown(describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Creation.Unknown("interrupted");
    }
    int status = response.statusCode();
    if (status == 201) {
      return new Creation.Created(false);
    }
    if (status == 409) {
      return new Creation.Created(true);
    }
    if (status == 504) {
      return new Creation.Unknown("504 gateway timeout");
    }
    if (status == 429) {
      return new Creation.Throttled(retryAfter(response));
    }
    if (status >= 500) {
      return new Creation.NotCreated("HTTP " + status);
    }
    JsonNode answer = parse(response.body());
    String reason = text(answer, "reason").or(() -> text(answer, "error")).orElse("refused");
    return new Creation.Refused(reason.length() > 200 ? reason.substring(0, 200) : reason);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(timeout)
        .header("Accept", "application/json")
        .header("User-Agent", "Relaybox")
        .header("Authorization", "Bearer " + apiKey);
  }

  private JsonNode parse(String body) {
    try {
      JsonNode node = json.readTree(body == null ? "" : body);
      return node == null ? json.createObjectNode() : node;
    } catch (IOException e) {
      return json.createObjectNode();
    }
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").flatMap(v -> {
      try {
        return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.strip()))));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }).orElse(DEFAULT_THROTTLE);
  }

  private static String describe(IOException e) {
    return e instanceof HttpTimeoutException ? "timed out" : "connection lost before an answer";
  }
}
