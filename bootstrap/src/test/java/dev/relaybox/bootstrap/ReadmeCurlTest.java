package dev.relaybox.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaybox.adapters.commerce.simulator.CommerceSimulator;
import dev.relaybox.adapters.commerce.simulator.Knobs;
import dev.relaybox.adapters.paymentprovider.PaymentProviderSimulator;
import dev.relaybox.adapters.paymentprovider.SimulatorSettings;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@code curl} in README.md's shell blocks, run in order against the real wiring (the key, the port, the
 * example request id {@code 01a2…} and {@code $JOB} replaced by real ones, a {@code VAR=$(curl … | jq -r .id)} capture
 * filling {@code $VAR} for the curls after it): each must succeed and its answer must match the OpenAPI document, so
 * the README cannot drift from the jar. The commerce and payment-provider simulators stand in, as in the walkthroughs.
 */
class ReadmeCurlTest {
  private static final Path README = Path.of("..", "README.md");
  private static final String EXAMPLE_ID = "01a2…";
  private static FakeSlack slack;
  private static Relaybox relaybox;
  private static TestApi api;
  private static String deadJob;
  private static CommerceSimulator commerce;
  private static PaymentProviderSimulator provider;
  private static final String PROVIDER_KEY = "readme-provider-key";
  /** {@code NAME=$(curl}: the id the curl answers becomes {@code $NAME}. */
  private static final Pattern CAPTURE = Pattern.compile("([A-Z_][A-Z0-9_]*)=\\$\\(curl");
  private static final Pattern UNSET_VARIABLE = Pattern.compile("\\$\\(?[A-Za-z_]");

  /** One curl as the README writes it, already split into words. */
  record Curl(String text, String method, String url, Map<String, String> headers, String body, String capture) {}

  @BeforeAll
  static void start() throws Exception {
    slack = new FakeSlack();
    commerce = CommerceSimulator.start("127.0.0.1", 0, Knobs.defaults(), new SplittableRandom(7));
    provider = PaymentProviderSimulator.start(SimulatorSettings.defaults().with(b -> {
      b.port = 0;
      b.apiKey = Optional.of(PROVIDER_KEY);
      b.seed = 42;
    }));
    Map<String, String> env = TestConfigs.freshDatabase();
    // As the README's walkthrough: both topics to a Slack stand-in.
    env.putAll(Map.of(
        "RELAYBOX_SLACK_WEBHOOK_URL", slack.url(),
        "RELAYBOX_SLACK_MAX_PER_SECOND", "1000",
        "RELAYBOX_ROUTES", "sales=slack;pricing=slack",
        "RELAYBOX_CHANNEL_MAX_ATTEMPTS", "1",
        "RELAYBOX_POLL_INTERVAL", "200ms"));
    // As the orders and payments walkthroughs: their simulators, and their 127.0.0.1 callback URLs allowed.
    env.putAll(TestConfigs.commercePorts(commerce.baseUrl()));
    env.putAll(Map.of(
        "RELAYBOX_PAYMENT_PROVIDER_URL", provider.url().toString(),
        "RELAYBOX_PAYMENT_PROVIDER_KEY", PROVIDER_KEY,
        "RELAYBOX_CALLBACK_SECRET", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        "RELAYBOX_ALLOW_PRIVATE_URLS", "true"));
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);

    // The admin examples replay "a dead job from that list": make one.
    String marker = TestApi.marker();
    slack.alwaysAnswer(marker, FakeSlack.Answer.status(404, "no_service"));
    String failed = TestApi.json(api.post("/v1/assistance-requests", "{\"topic\":\"sales\",\"description\":\"" + marker + "\"}"))
        .get("id").asText();
    api.awaitAssistanceStatus(failed, "failed", Duration.ofSeconds(30));
    slack.clear(marker);
    // the event's webhook fan-out job is listed with the delivery job; the dead one is the delivery
    for (JsonNode j : TestApi.json(api.withKey(TestConfigs.ADMIN_KEY).get("/admin/lookup/" + failed)).get("jobs")) {
      if ("dead".equals(j.get("job").get("state").asText())) {
        deadJob = j.get("job").get("id").asText();
      }
    }
  }

  @AfterAll
  static void stop() {
    relaybox.close();
    slack.close();
    commerce.close();
    provider.close();
  }

  @Test
  void everyCurlInTheReadmeSucceedsAndMatchesTheOpenApiDocument() throws IOException {
    List<Curl> curls = curls(Files.readString(README));
    assertTrue(curls.size() >= 8, "the README's curls were found: " + curls);
    OpenApiContract contract = OpenApiContract.servedBy(new TestApi(relaybox.httpPort(), null));
    String createdId = null;
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("JOB", deadJob);
    List<String> failures = new ArrayList<>();
    for (Curl curl : curls) {
      String url = curl.url().replace("http://", "").replace("localhost:8080", "");
      if (!url.startsWith("/")) {
        continue; // a curl to another program (a simulator's port), not to Relaybox
      }
      if (url.contains(EXAMPLE_ID)) {
        assertTrue(createdId != null, "the README uses an id before a curl creates one: " + curl.text());
        url = url.replace(EXAMPLE_ID, createdId);
      }
      url = substitute(url, variables);
      String key = url.startsWith("/admin") ? TestConfigs.ADMIN_KEY : TestConfigs.API_KEY;
      Map<String, String> headers = new LinkedHashMap<>();
      curl.headers().forEach((name, value) -> headers.put(name,
          substitute(value.replace("$KEY", key).replace("rbx_…", key), variables).replace("$(uuidgen)", UUID.randomUUID().toString())));
      String body = curl.body() == null ? null : substitute(curl.body(), variables);
      String unset = url + " " + headers.values() + " " + (body == null ? "" : body);
      if (UNSET_VARIABLE.matcher(unset).find()) {
        failures.add(curl.text() + " -> uses a shell variable no earlier curl set: " + unset);
        continue;
      }
      HttpResponse<String> response = new TestApi(relaybox.httpPort(), null).send(curl.method(), url, headers, body);
      if (response.statusCode() >= 400) {
        failures.add(curl.text() + " -> " + response.statusCode() + " " + response.body());
        continue;
      }
      List<String> problems = contract.problems(curl.method(), url, response);
      if (!problems.isEmpty()) {
        failures.add(curl.text() + " -> " + problems);
      }
      if (curl.capture() != null) {
        variables.put(curl.capture(), TestApi.json(response).get("id").asText());
      }
      if (createdId == null && curl.method().equals("POST") && url.equals("/v1/assistance-requests")) {
        createdId = TestApi.json(response).get("id").asText();
      }
    }
    assertTrue(failures.isEmpty(), "README curls that fail against the jar:\n" + String.join("\n", failures));
  }

  /** {@code $NAME} replaced by every variable set so far, longest name first so {@code $TX} never eats {@code $TX2}. */
  private static String substitute(String text, Map<String, String> variables) {
    String result = text;
    List<String> names = new ArrayList<>(variables.keySet());
    names.sort((a, b) -> b.length() - a.length());
    for (String name : names) {
      result = result.replace("${" + name + "}", variables.get(name)).replace("$" + name, variables.get(name));
    }
    return result;
  }

  /**
   * The curls of the README's {@code bash} blocks, as a shell reads them: a line ending in {@code \\} continues on the
   * next, and so does a quoted argument left open at the end of a line (a JSON body over several lines); comments and
   * pipes dropped.
   */
  static List<Curl> curls(String markdown) {
    List<Curl> curls = new ArrayList<>();
    boolean inBash = false;
    StringBuilder command = new StringBuilder();
    for (String line : markdown.split("\n")) {
      if (line.startsWith("```")) {
        inBash = !inBash && line.strip().equals("```bash");
        command.setLength(0);
        continue;
      }
      if (!inBash) {
        continue;
      }
      command.append(command.isEmpty() ? line.strip() : line);
      if (openQuote(command)) {
        command.append('\n');
        continue;
      }
      if (line.endsWith("\\")) {
        command.setLength(command.length() - 1);
        command.append(' ');
        continue;
      }
      List<String> words = words(command.toString());
      command.setLength(0);
      if (words.isEmpty()) {
        continue;
      }
      Matcher capture = CAPTURE.matcher(words.getFirst());
      if (words.getFirst().equals("curl")) {
        curls.add(parse(String.join(" ", words), words, null));
      } else if (capture.matches()) {
        List<String> inner = new ArrayList<>(words);
        inner.set(0, "curl");
        String last = inner.getLast();
        if (last.endsWith(")")) {
          inner.set(inner.size() - 1, last.substring(0, last.length() - 1)); // $(curl … url) without a pipe
        }
        curls.add(parse(String.join(" ", words), inner, capture.group(1)));
      }
    }
    return curls;
  }

  /** Whether the command so far ends inside a quoted argument (an unquoted {@code #} starts a comment, as in {@link #words}). */
  static boolean openQuote(CharSequence command) {
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '#') {
        return false;
      }
    }
    return quote != 0;
  }

  private static Curl parse(String text, List<String> words, String capture) {
    String method = null;
    String url = null;
    String body = null;
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < words.size(); i++) {
      String word = words.get(i);
      switch (word) {
        case "-s", "-i", "-sS" -> { }
        case "-X" -> method = words.get(++i);
        case "-H" -> {
          String[] header = words.get(++i).split(":\\s*", 2);
          headers.put(header[0], header[1]);
        }
        case "-d" -> body = words.get(++i);
        default -> {
          if (word.startsWith("-")) {
            throw new AssertionError("the README test does not know curl option " + word + " in: " + text);
          }
          url = word;
        }
      }
    }
    if (url == null) {
      throw new AssertionError("no URL in: " + text);
    }
    return new Curl(text, method != null ? method : body != null ? "POST" : "GET", url, headers, body, capture);
  }

  /** Shell words: single quotes are literal, double quotes group; an unquoted {@code #} or {@code |} ends the command. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '#' || c == '|') {
        break;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
