package dev.relaybox.adapters.http.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.application.auth.ApiKeyHash;
import dev.relaybox.application.auth.ApiKeyRing;
import dev.relaybox.application.auth.ApiScope;
import dev.relaybox.application.auth.StoredApiKey;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way a JSON body can be malformed gets a 4xx whose detail names no Java or Jackson class, package or setting. */
class JsonParseDetailTest {
  private static final String API_KEY = "api-key-0123456789abcdef";
  private static final ObjectMapper JSON = JsonSupport.mapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static HttpServer server;

  record Order(String customerId, Long amount, Instant at, UUID id, List<Line> lines, JsonNode extra) {}

  record Line(String sku, Integer quantity) {}

  @BeforeAll
  static void start() {
    var keys = new ApiKeyRing(List.of(new StoredApiKey(ApiKeyHash.of(API_KEY), Set.of(ApiScope.API), "api")));
    JsonBodies bodies = new JsonBodies(JSON);
    RouteModule routes = r -> r.post("/v1/things", ctx -> {
      bodies.read(ctx, Order.class);
      ctx.status(201).json(Map.of("ok", true));
    });
    server = new HttpServer(new HttpSettings("127.0.0.1", 0, 65_536, Duration.ofSeconds(1), 16, Duration.ofSeconds(5), 1, 64, 16),
        JSON, new RequestIds(new TimeOrderedIds(Clock.systemUTC(), new SplittableRandom())), new ApiKeyAuthenticator(keys),
        List.of(routes)).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"customerId\":NaN}", "{", "{\"customerId\":Infinity}", "{\"amount\":-Infinity}", "{'a':1}",
      "{a:1}", "{\"a\":1,}", "[1,]", "{\"a\":01}", "{\"a\":\"\\x\"}", "{\"a\":tru}", "{/* c */}", "{\"a\":1}}", "{\"a\" 1}",
      "{\"amount\":\"ten\"}", "{\"amount\":1e999999}", "{\"at\":\"yesterday\"}", "{\"id\":\"not-a-uuid\"}",
      "{\"lines\":{\"sku\":1}}", "{\"lines\":[{\"quantity\":\"x\"}]}", "{\"customerId\":{}}", "{\"a\":\"\u0001\"}",
      "{\"amount\":99999999999999999999999}", "{\"a\":1}{\"b\":2}"})
  void aMalformedBodyGetsA4xxWhoseDetailNamesNoJavaOrJacksonType(String body) throws Exception {
    var response = post(body);

    assertTrue(response.statusCode() >= 400 && response.statusCode() < 500, body + " -> " + response.statusCode() + " " + response.body());
    JsonNode problem = JSON.readTree(response.body());
    String everything = problem.path("detail").asText() + " " + problem.path("errors");
    for (String leak : List.of("Feature", "java.", "com.fasterxml", "jackson", "Jackson", "`", "Source", "Exception")) {
      assertFalse(everything.contains(leak), body + " -> " + everything);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"customerId\":NaN}", "{"})
  void theAttackersBodiesStillSayWhereTheJsonBreaks(String body) throws Exception {
    var response = post(body);

    assertEquals(400, response.statusCode());
    assertTrue(JSON.readTree(response.body()).path("detail").asText().contains("line 1, column"), response.body());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"customerId\":\"a\",\"customerId\":\"b\"}|customerId",
      "{\"lines\":[{\"sku\":\"a\"},{\"sku\":\"a\",\"sku\":\"b\"}]}|lines[1].sku",
      "{\"extra\":{\"x\":{\"y\":1,\"y\":1}}}|extra.x.y"})
  void aNameGivenTwiceInOneObjectIsA422NamingItsPath(String body, String field) throws Exception {
    var response = post(body);

    assertEquals(422, response.statusCode(), response.body());
    JsonNode problem = JSON.readTree(response.body());
    assertEquals(field, problem.path("errors").path(0).path("field").asText(), response.body());
    assertTrue(problem.path("detail").asText().contains("more than once"), response.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"customerId\":\"a\"}{\"b\":2}", "{\"customerId\":\"a\"} {}", "{} []"})
  void aSecondJsonValueAfterTheObjectIsA400SayingSo(String body) throws Exception {
    var response = post(body);

    assertEquals(400, response.statusCode(), response.body());
    assertTrue(JSON.readTree(response.body()).path("detail").asText().contains("more follows the object"), response.body());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"customerId\":{}}|customerId|must be a string",
      "{\"amount\":\"ten\"}|amount|must be a whole number",
      "{\"lines\":{\"sku\":\"a\"}}|lines|must be an array",
      "{\"lines\":[\"a\"]}|lines[0]|must be an object",
      "{\"id\":[1]}|id|must be a UUID string"})
  void aValueOfTheWrongTypeIsA422SayingWhatTheFieldMustBe(String body, String field, String message) throws Exception {
    var response = post(body);

    assertEquals(422, response.statusCode(), response.body());
    JsonNode error = JSON.readTree(response.body()).path("errors").path(0);
    assertEquals(field, error.path("field").asText(), response.body());
    assertEquals(message, error.path("message").asText(), response.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"at\":12345}", "{\"at\":1.5}", "{\"at\":1e20}", "{\"at\":true}"})
  void anInstantWrittenAsANumberIsA422AskingForADateTimeString(String body) throws Exception {
    var response = post(body);

    assertEquals(422, response.statusCode(), response.body());
    JsonNode error = JSON.readTree(response.body()).path("errors").path(0);
    assertEquals("at", error.path("field").asText(), response.body());
    assertTrue(error.path("message").asText().startsWith("must be a date-time string"), response.body());
  }

  @Test
  void aProblemThatEchoesTextOutsideAsciiIsSentAsUtf8() throws Exception {
    var response = post("{\"extra\":{\"café😀\":1,\"café😀\":2}}", HttpResponse.BodyHandlers.ofByteArray());

    assertEquals(422, response.statusCode());
    String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(response.body())).toString();
    assertEquals("extra.café😀", JSON.readTree(text).path("errors").path(0).path("field").asText(), text);
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return post(body, HttpResponse.BodyHandlers.ofString());
  }

  private static <T> HttpResponse<T> post(String body, HttpResponse.BodyHandler<T> answer) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/things"))
        .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), answer);
  }
}
