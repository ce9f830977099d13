package dev.relaybox.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for end-to-end tests against a running Relaybox. */
final class TestApi {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String key;

  TestApi(int port, String key) {
    this.base = "http://127.0.0.1:" + port;
    this.key = key;
  }

  /**
   * Sends as a client is told to: a {@code 503} (load shed, nothing taken) is sent again after its {@code Retry-After}
   * (at most 2 s), up to {@code attempts} sends in all; the last answer is returned whatever it is.
   */
  static HttpResponse<String> resendingOn503(int attempts, java.util.function.Supplier<HttpResponse<String>> send) {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> answer = send.get();
      if (answer.statusCode() != 503 || attempt >= attempts) {
        return answer;
      }
      long retryAfter = answer.headers().firstValueAsLong("Retry-After").orElse(1);
      try {
        Thread.sleep(Duration.ofSeconds(Math.min(2, retryAfter)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  TestApi withKey(String otherKey) {
    return new TestApi(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherKey);
  }

  HttpResponse<String> get(String path) {
    return send(request(path).GET());
  }

  HttpResponse<String> post(String path, String json) {
    return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  HttpResponse<String> patch(String path, String json) {
    return send(request(path).header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  HttpResponse<String> delete(String path) {
    return send(request(path).DELETE());
  }

  HttpResponse<String> postWithHeader(String path, String json, String header, String value) {
    return send(request(path).header("Content-Type", "application/json").header(header, value)
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  HttpResponse<String> post(String path, String contentType, byte[] body) {
    return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** Any method, any headers (this client's key unless {@code headers} has an Authorization), an optional body. */
  HttpResponse<String> send(String method, String path, java.util.Map<String, String> headers, String body) {
    var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (key != null && headers.keySet().stream().noneMatch("Authorization"::equalsIgnoreCase)) {
      builder.header("Authorization", "Bearer " + key);
    }
    headers.forEach(builder::header);
    return send(builder);
  }

  /** Polls an assistance request until it has {@code status}; fails with its last state if it never does. */
  JsonNode awaitAssistanceStatus(String id, String status, Duration max) {
    JsonNode[] last = new JsonNode[1];
    Await.until("request " + id + " to be " + status, max, () -> {
      last[0] = json(get("/v1/assistance-requests/" + id));
      return status.equals(last[0].get("status").asText());
    }, () -> String.valueOf(last[0]));
    return last[0];
  }

  /** A unique word to put in a description, so a test can tell its own messages apart. */
  static String marker() {
    return "m" + java.util.UUID.randomUUID().toString().replace("-", "");
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  private HttpRequest.Builder request(String path) {
    var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      builder.header("Authorization", "Bearer " + key);
    }
    return builder;
  }

  private HttpResponse<String> send(HttpRequest.Builder builder) {
    try {
      return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
