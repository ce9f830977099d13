package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Assistance requests end to end through HTTP: the real wiring, real PostgreSQL, a scripted HTTP server in place of
 * Slack and GreenMail in place of the SMTP relay.
 */
class AssistanceEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** Five hundred deliveries on a loaded two-core CI host, each send allowed up to the 3 s Slack timeout. */
  private static final Duration BURST_WAIT = Duration.ofMinutes(3);
  private static String databaseUrl;
  private static FakeSlack slack;
  private static ServerSetup smtpSetup;
  private static GreenMail smtp;
  private static Relaybox relaybox;
  private static TestApi api;
  private static TestApi admin;

  @BeforeAll
  static void start() throws IOException {
    slack = new FakeSlack();
    int smtpPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      smtpPort = socket.getLocalPort();
    }
    smtpSetup = new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    smtp = new GreenMail(smtpSetup);
    smtp.start();
    Map<String, String> env = TestConfigs.freshDatabase();
    databaseUrl = env.get("DATABASE_URL");
    // The 500-request burst proves exactly-once delivery, not the per-key request rate (AbuseEndToEndTest covers that).
    env.put("RELAYBOX_API_RATE", "100000");
    env.putAll(Map.of(
        "RELAYBOX_SLACK_WEBHOOK_URL", slack.url(),
        "RELAYBOX_SLACK_MAX_PER_SECOND", "1000",
        "RELAYBOX_SLACK_TIMEOUT", "3s",
        "RELAYBOX_SMTP_HOST", "127.0.0.1",
        "RELAYBOX_SMTP_PORT", Integer.toString(smtpPort),
        "RELAYBOX_SMTP_STARTTLS", "false",
        "RELAYBOX_EMAIL_FROM", "relaybox@example.test",
        "RELAYBOX_EMAIL_TO", "team@example.test"));
    env.putAll(Map.of(
        "RELAYBOX_CHANNEL_RETRY_BASE", "50ms",
        "RELAYBOX_CHANNEL_RETRY_CAP", "300ms",
        "RELAYBOX_CHANNEL_MAX_ATTEMPTS", "3",
        "RELAYBOX_POLL_INTERVAL", "200ms",
        "RELAYBOX_DB_POOL_SIZE", "16"));
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
    admin = new TestApi(relaybox.httpPort(), TestConfigs.ADMIN_KEY);
  }

  @AfterAll
  static void stop() {
    relaybox.close();
    slack.close();
    smtp.stop();
  }

  @Test
  void salesGoesToSlackAndPricingToEmail() throws Exception {
    String sales = accepted("sales", "need a quote " + TestApi.marker());
    String pricing = accepted("Pricing", "how much is it " + TestApi.marker());

    JsonNode salesStatus = api.awaitAssistanceStatus(sales, "delivered", WAIT);
    assertEquals("slack", salesStatus.get("channel").asText());
    assertDeliveredToSlackWithNoUncountedRepeat(sales);

    JsonNode pricingStatus = api.awaitAssistanceStatus(pricing, "delivered", WAIT);
    assertEquals("email", pricingStatus.get("channel").asText());
    assertEquals("pricing", pricingStatus.get("topic").asText());
    MimeMessage mail = mailFor(pricing);
    assertEquals("<" + pricing + "@relaybox>", mail.getMessageID());
  }

  @Test
  void slackFailingTwiceThenOkDeliversExactlyOnce() {
    String marker = TestApi.marker();
    slack.script(marker, FakeSlack.Answer.status(500, "oops"), FakeSlack.Answer.status(500, "oops"));
    String id = accepted("sales", "flaky slack " + marker);

    JsonNode status = api.awaitAssistanceStatus(id, "delivered", WAIT);
    assertEquals("slack", status.get("channel").asText());
    // The two failures are counted and retried; a send that timed out after Slack took it (3 s on a loaded host) is
    // a counted failure too and may repeat, as at-least-once allows.
    var calls = slack.receivedContaining(marker);
    assertTrue(calls.size() >= 3, calls.toString());
    assertEquals(List.of(500, 500), calls.subList(0, 2).stream().map(FakeSlack.Received::answeredWith).toList());
    assertTrue(failedSends(id) >= 2, "both failures counted: " + failedSends(id));
    assertEquals(failedSends(id) + 1, status.get("attempts").asInt(), status.toString());
    assertDeliveredToSlackWithNoUncountedRepeat(id);
  }

  @Test
  void slackNoServiceFallsBackToEmail() throws Exception {
    String marker = TestApi.marker();
    slack.alwaysAnswer(marker, FakeSlack.Answer.status(404, "no_service"));
    try {
      String id = accepted("sales", "slack is gone " + marker);
      JsonNode status = api.awaitAssistanceStatus(id, "delivered", WAIT);
      assertEquals("email", status.get("channel").asText());
      assertEquals(1, slack.receivedContaining(marker).size(), "a permanent failure is not retried");
      assertTrue(mailFor(id).getSubject().contains("sales"));
    } finally {
      slack.clear(marker);
    }
  }

  @Test
  void everythingDownFailsTheRequestAndAReplayAfterRecoveryDeliversIt() throws Exception {
    String marker = TestApi.marker();
    slack.alwaysAnswer(marker, FakeSlack.Answer.status(503, "down"));
    smtp.stop();
    String id;
    try {
      id = accepted("sales", "nobody home " + marker);
      JsonNode failed = api.awaitAssistanceStatus(id, "failed", WAIT);
      assertTrue(failed.get("lastError").asText().length() > 0);
    } finally {
      smtp = new GreenMail(smtpSetup);
      smtp.start();
      slack.clear(marker);
    }
    // The request turns failed in the handler's own transaction; its job turns dead in the engine's next completion batch.
    long jobId = awaitJob(id, "dead");
    JsonNode detail = TestApi.json(admin.get("/admin/jobs/" + jobId));
    assertTrue(detail.get("history").size() >= 1, detail.toString());

    assertEquals(200, admin.post("/admin/jobs/" + jobId + "/replay", "").statusCode());
    JsonNode delivered = api.awaitAssistanceStatus(id, "delivered", WAIT);
    assertEquals("slack", delivered.get("channel").asText());
  }

  @Test
  void cancellingARunningDeliveryFailsItsRequestAtOnceAndAReplayDeliversIt() {
    String marker = TestApi.marker();
    // Slack holds the first message, well within the 3 s timeout, so the cancel lands while the send is under way
    slack.script(marker, new FakeSlack.Answer(200, "ok", Map.of(), Duration.ofMillis(2_500)));
    String id = accepted("sales", "held by slack " + marker);
    long jobId = awaitJob(id, "running");

    assertEquals(200, admin.post("/admin/jobs/" + jobId + "/cancel", "").statusCode());
    JsonNode cancelled = TestApi.json(api.get("/v1/assistance-requests/" + id));
    assertEquals("failed", cancelled.get("status").asText(), cancelled.toString());
    assertTrue(cancelled.get("lastError").asText().contains("cancelled by an operator"), cancelled.toString());

    Await.until("Slack's held answer", WAIT, () -> !slack.receivedContaining(marker).isEmpty());
    JsonNode afterTheHeldSend = TestApi.json(api.get("/v1/assistance-requests/" + id));
    assertEquals("failed", afterTheHeldSend.get("status").asText(), "the cancelled attempt records nothing: " + afterTheHeldSend);

    assertEquals(200, admin.post("/admin/jobs/" + jobId + "/replay", "").statusCode());
    assertEquals("slack", api.awaitAssistanceStatus(id, "delivered", WAIT).get("channel").asText());
  }

  @Test
  void cancellingADeliveryWaitingToRetryFailsItsRequestAndNothingIsSent() {
    String marker = TestApi.marker();
    // long enough for the test to find the job waiting, short enough that a pause of the whole channel it may cause
    // does not hold up the other tests
    slack.script(marker, new FakeSlack.Answer(429, "rate_limited", Map.of("Retry-After", "8"), Duration.ZERO));
    String id = accepted("sales", "waiting for retry " + marker);
    Await.until("the first, refused send", WAIT, () -> !slack.receivedContaining(marker).isEmpty());
    long jobId = awaitJob(id, "available");

    assertEquals(200, admin.post("/admin/jobs/" + jobId + "/cancel", "").statusCode());
    JsonNode cancelled = TestApi.json(api.get("/v1/assistance-requests/" + id));
    assertEquals("failed", cancelled.get("status").asText(), cancelled.toString());
    assertEquals(1, slack.receivedContaining(marker).size());
    assertEquals(409, admin.post("/admin/jobs/" + jobId + "/cancel", "").statusCode(), "a cancelled job is finished");

    assertEquals(200, admin.post("/admin/jobs/" + jobId + "/replay", "").statusCode());
    api.awaitAssistanceStatus(id, "delivered", WAIT);
    assertEquals(1, slack.acceptedFor(id));
  }

  @Test
  void slackSlowerThanTheTimeoutIsRetried() {
    String marker = TestApi.marker();
    slack.script(marker, new FakeSlack.Answer(200, "ok", Map.of(), Duration.ofSeconds(4)));
    String id = accepted("sales", "slow slack " + marker);
    JsonNode status = api.awaitAssistanceStatus(id, "delivered", WAIT);
    assertEquals("slack", status.get("channel").asText());
    assertTrue(status.get("attempts").asInt() >= 2, status.toString());
  }

  @Test
  void rateLimitedBySlackWaitsForRetryAfter() {
    String marker = TestApi.marker();
    slack.script(marker, new FakeSlack.Answer(429, "rate_limited", Map.of("Retry-After", "1"), Duration.ZERO));
    String id = accepted("sales", "too fast " + marker);
    api.awaitAssistanceStatus(id, "delivered", WAIT);
    var calls = slack.receivedContaining(marker);
    assertTrue(calls.size() >= 2, calls.toString());
    assertEquals(429, calls.get(0).answeredWith(), calls.toString());
    assertDeliveredToSlackWithNoUncountedRepeat(id);
    assertTrue(Duration.between(calls.get(0).at(), calls.get(1).at()).toMillis() >= 900,
        "the retry waited for Retry-After: " + calls);
  }

  @Test
  void fiveHundredConcurrentRequestsAreAllDeliveredOnce() throws Exception {
    String marker = TestApi.marker();
    List<Future<String>> submissions = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(32)) {
      for (int i = 0; i < 500; i++) {
        int n = i;
        submissions.add(pool.submit(() -> accepted("sales", "burst " + n + " " + marker)));
      }
    }
    List<String> ids = new ArrayList<>();
    for (Future<String> f : submissions) {
      ids.add(f.get());
    }
    Await.until("500 deliveries", BURST_WAIT, () -> ids.stream().allMatch(id -> slack.acceptedFor(id) >= 1));
    for (String id : ids) {
      assertDeliveredToSlackWithNoUncountedRepeat(id);
    }
  }

  @Test
  void markupInTheDescriptionIsEscapedForSlackAndEmail() throws Exception {
    String marker = TestApi.marker();
    String nasty = "<!channel> <script>alert(1)</script> <http://evil.test|click> & " + marker;
    String slackId = accepted("sales", nasty);
    api.awaitAssistanceStatus(slackId, "delivered", WAIT);
    String body = slack.receivedContaining(marker).getFirst().body();
    assertFalse(body.contains("<!channel>"), body);
    assertFalse(body.contains("<script>"), body);
    assertTrue(body.contains("&lt;!channel&gt;"), body);

    String mailId = accepted("pricing", nasty);
    api.awaitAssistanceStatus(mailId, "delivered", WAIT);
    String html = html(mailFor(mailId));
    assertFalse(html.contains("<script>"), html);
    assertTrue(html.contains("&lt;script&gt;"), html);
  }

  @Test
  void numbersInTheMetadataReachTheChannelAsSent() throws Exception {
    String body = "{\"topic\":\"pricing\",\"description\":\"exact " + TestApi.marker() + "\","
        + "\"metadata\":{\"at\":1733443200.123456789,\"ratio\":0.10000000000000001}}";
    String key = "test-" + UUID.randomUUID();
    HttpResponse<String> response = TestApi.resendingOn503(21,
        () -> api.postWithHeader("/v1/assistance-requests", body, "Idempotency-Key", key));
    assertEquals(202, response.statusCode(), response.body());
    String id = TestApi.json(response).get("id").asText();
    api.awaitAssistanceStatus(id, "delivered", WAIT);
    String mail = html(mailFor(id));
    // Read as doubles they arrived as 1733443200.1234567 and 0.1.
    assertTrue(mail.contains("1733443200.123456789"), mail);
    assertTrue(mail.contains("0.10000000000000001"), mail);
  }

  @Test
  void emojiSurviveTheTrip() {
    String marker = TestApi.marker();
    String id = accepted("sales", "help 🙏🏽 ünïcødé " + marker);
    api.awaitAssistanceStatus(id, "delivered", WAIT);
    JsonNode message = TestApi.json(slack.receivedContaining(marker).getFirst().body());
    assertTrue(message.get("text").asText().contains("🙏🏽"), message.toString());
    assertTrue(TestApi.json(api.get("/v1/assistance-requests/" + id)).get("description").asText().contains("🙏🏽"));
  }

  @Test
  void theSameIdempotencyKeyReturnsTheFirstAnswerEvenAfterDelivery() {
    String key = "bot-msg-" + TestApi.marker();
    String body = "{\"topic\":\"sales\",\"description\":\"once " + key + "\"}";
    var first = api.postWithHeader("/v1/assistance-requests", body, "Idempotency-Key", key);
    assertEquals(202, first.statusCode(), first.body());
    api.awaitAssistanceStatus(TestApi.json(first).get("id").asText(), "delivered", WAIT);
    var second = api.postWithHeader("/v1/assistance-requests", body, "Idempotency-Key", key);
    assertEquals(202, second.statusCode(), second.body());
    assertEquals(first.body(), second.body(), "the first answer again, not the current status");
    assertEquals(first.headers().firstValue("Location"), second.headers().firstValue("Location"));
    assertEquals("true", second.headers().firstValue("Idempotent-Replayed").orElseThrow());
    var different = api.postWithHeader("/v1/assistance-requests", "{\"topic\":\"sales\",\"description\":\"other\"}",
        "Idempotency-Key", key);
    assertEquals(422, different.statusCode(), different.body());
  }

  @Test
  void aRetryWithTheMetadataMembersInAnotherOrderIsTheSameRequest() {
    String key = "bot-msg-" + TestApi.marker();
    String first = "{\"topic\":\"sales\",\"description\":\"reordered " + key + "\","
        + "\"metadata\":{\"a\":1,\"b\":{\"x\":[1,2],\"y\":\"z\"},\"at\":1733443200.123456789}}";
    String reordered = "{\"metadata\": {\"at\": 1733443200.1234567890, \"b\": {\"y\": \"z\", \"x\": [1, 2]}, \"a\": 1},"
        + " \"description\": \"reordered " + key + "\", \"topic\": \"sales\"}";
    var accepted = api.postWithHeader("/v1/assistance-requests", first, "Idempotency-Key", key);
    assertEquals(202, accepted.statusCode(), accepted.body());

    var retried = api.postWithHeader("/v1/assistance-requests", reordered, "Idempotency-Key", key);
    assertEquals(202, retried.statusCode(), retried.body());
    assertEquals(accepted.body(), retried.body());
    assertEquals("true", retried.headers().firstValue("Idempotent-Replayed").orElseThrow());

    // A double holds neither 1733443200.123456789 nor ...790: read as doubles, the two were one number.
    for (String different : List.of(reordered.replace("[1, 2]", "[2, 1]"), reordered.replace("\"a\": 1", "\"a\": 2"),
        reordered.replace("1733443200.1234567890", "1733443200.123456790"),
        reordered.replace("\"topic\": \"sales\"", "\"topic\": \"pricing\""))) {
      var refused = api.postWithHeader("/v1/assistance-requests", different, "Idempotency-Key", key);
      assertEquals(422, refused.statusCode(), different + " -> " + refused.body());
    }
  }

  @Test
  void badInputGets4xxProblemsAndStoresNothing() {
    int before = count();
    ObjectNode tooLong = TestApi.JSON.createObjectNode().put("topic", "sales").put("description", "x".repeat(4_001));
    char[] huge = new char[2 * 1024 * 1024];
    Arrays.fill(huge, 'y');
    List<Object[]> cases = List.of(
        new Object[] {"{\"topic\":\"sales\",", 400},
        new Object[] {"", 400},
        new Object[] {"[{\"topic\":\"sales\",\"description\":\"x\"}]", 400},
        new Object[] {"{\"topic\":\"sales\"}", 422},
        new Object[] {"{\"description\":\"no topic\"}", 422},
        new Object[] {"{\"topic\":7,\"description\":\"x\"}", 422},
        new Object[] {"{\"topic\":\"sales\",\"description\":[\"x\"]}", 422},
        new Object[] {"{\"topic\":\"sales\",\"description\":\"x\",\"metadata\":\"flat\"}", 422},
        new Object[] {"{\"topic\":\"sales\",\"description\":\"x\",\"metadata\":{\"blob\":\"" + "z".repeat(9_000) + "\"}}", 422},
        // 6 KB as sent, 310 KB as stored and delivered (jsonb writes numbers out in full): measured as delivered.
        new Object[] {"{\"topic\":\"sales\",\"description\":\"x\",\"metadata\":{\"a\":[" + String.join(",",
            java.util.Collections.nCopies(1_000, "1e308")) + "]}}", 422},
        new Object[] {tooLong.toString(), 422},
        new Object[] {"{\"topic\":\"sales\",\"description\":\"" + new String(huge) + "\"}", 413},
        new Object[] {"{\"topic\":\"refunds\",\"description\":\"x\"}", 422},
        new Object[] {"{\"topic\":\"sales\",\"description\":\"bell \\u0007 nul \\u0000\"}", 422},
        new Object[] {"{\"topic\":\"sales\",\"description\":\"   \"}", 422});
    for (Object[] c : cases) {
      var response = api.post("/v1/assistance-requests", (String) c[0]);
      assertEquals((int) c[1], response.statusCode(), "for body " + abbreviate((String) c[0]) + ": " + response.body());
      assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    }
    var unknownTopic = TestApi.json(api.post("/v1/assistance-requests", "{\"topic\":\"refunds\",\"description\":\"x\"}"));
    assertTrue(unknownTopic.get("detail").asText().contains("pricing"), "lists the known topics: " + unknownTopic);
    assertEquals(before, count(), "nothing was stored");
  }

  @Test
  void statusOfAnUnknownRequestIs404AndListingFilters() {
    assertEquals(404, api.get("/v1/assistance-requests/" + UUID.randomUUID()).statusCode());
    assertEquals(404, api.get("/v1/assistance-requests/not-a-uuid").statusCode());
    String id = accepted("pricing", "listed " + TestApi.marker());
    api.awaitAssistanceStatus(id, "delivered", WAIT);
    JsonNode page = TestApi.json(api.get("/v1/assistance-requests?topic=pricing&status=delivered&limit=200"));
    boolean found = false;
    for (JsonNode r : page.get("requests")) {
      assertEquals("pricing", r.get("topic").asText());
      found |= r.get("id").asText().equals(id);
    }
    assertTrue(found);
    assertEquals(400, api.get("/v1/assistance-requests?status=lost").statusCode());
    assertEquals(400, api.get("/v1/assistance-requests?limit=0").statusCode());
  }

  private static int count() {
    int total = 0;
    String cursor = null;
    do {
      JsonNode page = TestApi.json(api.get("/v1/assistance-requests?limit=200" + (cursor == null ? "" : "&cursor=" + cursor)));
      total += page.get("requests").size();
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
    } while (cursor != null);
    return total;
  }

  /**
   * Sends a request as a client does: with an Idempotency-Key, and again with the same key after a 503's Retry-After
   * ("not-taken" promises nothing was stored, so the retry cannot duplicate).
   */
  private static String accepted(String topic, String description) {
    ObjectNode body = TestApi.JSON.createObjectNode().put("topic", topic).put("description", description);
    String key = "test-" + UUID.randomUUID();
    HttpResponse<String> response = TestApi.resendingOn503(21,
        () -> api.postWithHeader("/v1/assistance-requests", body.toString(), "Idempotency-Key", key));
    assertEquals(202, response.statusCode(), response.body());
    JsonNode receipt = TestApi.json(response);
    assertEquals("pending", receipt.get("status").asText());
    String id = receipt.get("id").asText();
    assertEquals("/v1/assistance-requests/" + id, response.headers().firstValue("Location").orElseThrow());
    return id;
  }


  /**
   * Slack took the request, and every message it got beyond the one it took answers a failed send the request counted
   * (a send that timed out after Slack took it is such a failure, and delivery is at least once); a repeat no failure
   * explains would be a duplicate.
   */
  private static void assertDeliveredToSlackWithNoUncountedRepeat(String id) {
    int failedSends = failedSends(id);
    assertTrue(slack.acceptedFor(id) >= 1, "Slack accepted " + id);
    assertTrue(slack.receivedFor(id) <= 1 + failedSends,
        id + " reached Slack " + slack.receivedFor(id) + " times with " + failedSends + " failed sends");
  }

  /** The request's delivery job once it is in {@code state}. */
  private static long awaitJob(String requestId, String state) {
    long[] jobId = {-1};
    Await.until("the delivery job of " + requestId + " " + state, WAIT, () -> {
      JsonNode page = TestApi.json(admin.get("/admin/jobs?state=" + state + "&subscription=assistance.delivery&limit=500"));
      for (JsonNode job : page.get("jobs")) {
        if (requestId.equals(job.path("key").asText())) {
          jobId[0] = job.get("id").asLong();
        }
      }
      return jobId[0] != -1;
    });
    return jobId[0];
  }

  private static int failedSends(String id) {
    try (Connection c = DriverManager.getConnection(databaseUrl);
        var query = c.prepareStatement("SELECT channel_attempts FROM assistance_request WHERE id = ?")) {
      query.setObject(1, UUID.fromString(id));
      try (ResultSet rs = query.executeQuery()) {
        assertTrue(rs.next(), "request " + id + " is stored");
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static MimeMessage mailFor(String requestId) throws Exception {
    MimeMessage[] found = new MimeMessage[1];
    Await.until("mail for " + requestId, WAIT, () -> {
      for (MimeMessage m : smtp.getReceivedMessages()) {
        try {
          if (("<" + requestId + "@relaybox>").equals(m.getMessageID())) {
            found[0] = m;
            return true;
          }
        } catch (jakarta.mail.MessagingException e) {
          throw new AssertionError(e);
        }
      }
      return false;
    });
    return found[0];
  }

  private static String html(MimeMessage message) throws Exception {
    var multipart = (jakarta.mail.Multipart) message.getContent();
    for (int i = 0; i < multipart.getCount(); i++) {
      var part = multipart.getBodyPart(i);
      if (part.isMimeType("text/html")) {
        return (String) part.getContent();
      }
    }
    throw new AssertionError("no HTML part");
  }


  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
