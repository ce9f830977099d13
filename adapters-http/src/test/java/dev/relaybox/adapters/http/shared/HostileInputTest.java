package dev.relaybox.adapters.http.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.application.auth.ApiKeyHash;
import dev.relaybox.application.auth.ApiKeyRing;
import dev.relaybox.application.auth.ApiScope;
import dev.relaybox.application.auth.StoredApiKey;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hostile-input defects of issue 12 against a started server: slow bodies, malformed framing, Jetty's own
 * errors, and text or dates PostgreSQL cannot store.
 */
class HostileInputTest {
  private static final String API_KEY = "api-key-0123456789abcdef";
  private static final ObjectMapper JSON = JsonSupport.mapper();
  private static final int SLOW_CLIENTS = Integer.getInteger("relaybox.slowClients", 300);
  private static final AtomicInteger STORED = new AtomicInteger();
  private static HttpServer server;

  record Note(String text, Instant at, Long count, JsonNode extra) {}

  @BeforeAll
  static void start() {
    server = server(Duration.ofSeconds(2), SLOW_CLIENTS + 100).start();
  }

  /** In-flight limit 16; every slow client fits under the per-address connection cap, as behind one proxy. */
  private static HttpServer server(Duration requestDeadline, int connectionsPerAddress) {
    return server(requestDeadline, connectionsPerAddress, 0);
  }

  private static HttpServer server(Duration requestDeadline, int connectionsPerAddress, long minBytesPerSecond) {
    return server(requestDeadline, connectionsPerAddress, minBytesPerSecond, 1_000);
  }

  private static HttpServer server(Duration requestDeadline, int connectionsPerAddress, long minBytesPerSecond,
      int maxConnections) {
    return server(requestDeadline, connectionsPerAddress, minBytesPerSecond, maxConnections, null);
  }

  private static HttpServer server(Duration requestDeadline, int connectionsPerAddress, long minBytesPerSecond,
      int maxConnections, java.util.function.LongSupplier stalledNanos) {
    var keys = new ApiKeyRing(List.of(new StoredApiKey(ApiKeyHash.of(API_KEY), Set.of(ApiScope.API), "api")));
    JsonBodies bodies = new JsonBodies(JSON);
    RouteModule routes = r -> {
      r.post("/v1/notes", ctx -> {
        Note note = bodies.read(ctx, Note.class);
        STORED.incrementAndGet();
        ctx.status(201).json(Map.of("text", String.valueOf(note.text())));
      });
      r.get("/v1/notes", ctx -> ctx.json(Map.of("q", String.valueOf(ctx.queryParam("q")))));
      // What Jetty raises inside a route when a body is read too slowly, or decoded in a charset it lacks.
      r.post("/v1/slow-read", ctx -> {
        throw new org.eclipse.jetty.http.BadMessageException(408, "Request content data rate < 1024 B/s");
      });
      // A route that takes its time between reads, as any route does when its thread is not scheduled for a while.
      r.post("/v1/paused-read", ctx -> {
        java.io.InputStream body = ctx.bodyInputStream();
        int first = body.read();
        Thread.sleep(300);
        byte[] rest = body.readAllBytes();
        ctx.status(201).json(Map.of("bytes", first < 0 ? 0 : 1 + rest.length));
      });
      r.post("/v1/charset-read", ctx -> {
        throw new java.nio.charset.UnsupportedCharsetException("ebcdic");
      });
    };
    return new HttpServer(new HttpSettings("127.0.0.1", 0, 65_536, Duration.ofSeconds(1), 16,
        requestDeadline, minBytesPerSecond, connectionsPerAddress, 16, Duration.ZERO, maxConnections), JSON,
        new RequestIds(new TimeOrderedIds(Clock.systemUTC(), new SplittableRandom())), new ApiKeyAuthenticator(keys),
        List.of(routes), RequestObserver.NONE, stalledNanos);
  }

  /** Sockets a test holds open against a server, every one closed when the test ends (before the server). */
  private static final class HeldSockets extends ArrayList<Socket> implements AutoCloseable {
    @Override
    public void close() throws IOException {
      for (Socket socket : this) {
        socket.close();
      }
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void slowBodiesLeaveLegitimateRequestsAnswered() throws Exception {
    // A deadline far beyond the test, so every slow client still holds its connection while the others ask.
    try (HttpServer patient = server(Duration.ofMinutes(5), SLOW_CLIENTS + 100).start();
        HeldSockets trickling = new HeldSockets()) {
      for (int i = 0; i < SLOW_CLIENTS; i++) {
        Socket socket = connect(patient);
        socket.getOutputStream().write(("POST /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
            + "\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        trickling.add(socket);
      }
      for (int i = 0; i < 40; i++) {
        if (i % 10 == 0) {
          for (Socket socket : trickling) {
            socket.getOutputStream().write(' ');
          }
        }
        Raw answer = exchange(patient, post("/v1/notes", "{\"text\":\"hello " + i + "\"}"));
        assertEquals(201, answer.status(), answer.text());
      }
    }
  }

  @Test
  void aConnectionPastItsAddressesCapIsAnswered503WithRetryAfterAndClosed() throws Exception {
    try (HttpServer capped = server(Duration.ofMinutes(5), 5).start(); HeldSockets held = new HeldSockets()) {
      for (int i = 0; i < 5; i++) {
        Socket socket = connect(capped);
        socket.getOutputStream().write("POST /v1/notes HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        held.add(socket);
      }
      // The server counts a connection once its selector has opened it, a moment after the client's connect returns:
      // wait for that (a sixth probe sent earlier would take a held connection's place and be answered).
      awaitConnectionsFrom(capped, 5);
      int storedBefore = STORED.get();
      Raw withoutBody = exchange(capped, "GET /v1/notes HTTP/1.1\r\nHost: x\r\nX-Request-Id: caller-7\r\nAuthorization: Bearer "
          + API_KEY + "\r\n\r\n");
      assertProblem(withoutBody, 503);
      assertTrue(withoutBody.head().toLowerCase(Locale.ROOT).contains("retry-after: 1"), withoutBody.text());
      assertTrue(withoutBody.head().contains("X-Request-Id: caller-7"), "the caller's id echoed: " + withoutBody.text());
      // A body is read before the answer, so the client sees the 503, never a reset, and nothing is stored.
      Raw withBody = exchange(capped, postBytes("/v1/notes", ("{\"text\":\"" + "x".repeat(30_000) + "\"}")
          .getBytes(StandardCharsets.UTF_8)));
      assertProblem(withBody, 503);
      assertEquals(storedBefore, STORED.get(), "a turned-away request reaches no route");
      assertEquals(5, capped.connectionsFrom("127.0.0.1"), "turned-away connections are not counted");
      held.getFirst().close();
      held.removeFirst();
      awaitConnectionsFrom(capped, 4);
      assertEquals(201, exchange(capped, post("/v1/notes", "{\"text\":\"room again\"}")).status());
    }
  }

  @Test
  void aTurnedAwayConnectionWhoseBodyComesSecondsAfterItsHeadersStillGets503() throws Exception {
    HttpServer capped = server(Duration.ofSeconds(10), 1).start();
    try (Socket first = connect(capped)) {
      first.getOutputStream().write("POST /v1/notes HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      awaitConnectionsFrom(capped, 1);
      byte[] request = post("/v1/notes", "{\"text\":\"late body\"}").getBytes(StandardCharsets.UTF_8);
      int headersEnd = new String(request, StandardCharsets.UTF_8).indexOf("\r\n\r\n") + 4;
      // As a node too busy to read a request for a few seconds leaves it: the answer must still come.
      Raw answer;
      try (Socket late = connect(capped)) {
        late.getOutputStream().write(request, 0, headersEnd);
        Thread.sleep(2_500);
        late.getOutputStream().write(request, headersEnd, request.length - headersEnd);
        answer = readAll(late);
      }
      assertProblem(answer, 503);
      assertTrue(answer.head().toLowerCase(Locale.ROOT).contains("retry-after: 1"), answer.text());
    } finally {
      capped.close();
    }
  }

  @Test
  void anAddressHoldsAtMostTwiceItsCapOfSocketsAndConnectionsPastThatAreClosedAtOnce() throws Exception {
    try (HttpServer capped = server(Duration.ofMinutes(5), 2).start(); HeldSockets held = new HeldSockets()) {
      for (int i = 0; i < 4; i++) {
        held.add(connect(capped)); // two served, two turned away, all idle
      }
      awaitConnectionsFrom(capped, 2);
      // All four counted before the fifth arrives: on a busy machine the server may open the fifth before the fourth.
      awaitHeldFrom(capped, 4);
      long start = System.nanoTime();
      try (Socket fifth = connect(capped)) {
        assertEquals(-1, fifth.getInputStream().read(), "closed without an answer");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "closed at once, not after an idle timeout");
      }
      held.get(3).close(); // a turned-away one leaves: the next one past the cap is answered again
      long giveUpAt = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      Raw answer;
      do {
        answer = exchange(capped, "GET /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY + "\r\n\r\n");
      } while (answer.status() == 0 && System.nanoTime() < giveUpAt);
      assertProblem(answer, 503);
    }
  }

  @Test
  void pastTheNodesConnectionLimitANewConnectionWaitsInTheListenQueueUntilOneCloses() throws Exception {
    try (HttpServer limited = server(Duration.ofMinutes(5), 100, 0, 3).start(); HeldSockets held = new HeldSockets()) {
      for (int i = 0; i < 3; i++) {
        held.add(connect(limited));
      }
      awaitConnectionsFrom(limited, 3);
      try (Socket waiting = connect(limited)) { // the kernel completes the handshake; the server does not accept it yet
        waiting.getOutputStream().write(("GET /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        waiting.setSoTimeout(1_000);
        assertThrows(SocketTimeoutException.class, () -> waiting.getInputStream().read(), "not served past the limit");
        held.removeFirst().close();
        waiting.setSoTimeout(15_000);
        assertEquals(200, readAll(waiting).status(), "served once a connection closed");
      }
    }
  }

  @Test
  void blankLinesWithoutARequestDoNotHoldAConnectionPastTheRequestDeadline() throws Exception {
    try (Socket chatty = connect()) {
      chatty.setSoTimeout(300);
      long start = System.nanoTime();
      boolean closed = false;
      while (!closed && System.nanoTime() - start < Duration.ofSeconds(12).toNanos()) {
        try {
          chatty.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
          closed = chatty.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
          // nothing to read yet: send the next blank line
        } catch (java.net.SocketException reset) {
          closed = true;
        }
      }
      assertTrue(closed, "still open after 12 s of blank lines; the deadline is 2 s");
    }
    try (Socket polite = connect()) { // one blank line before a request is allowed (RFC 9112 section 2.2)
      polite.getOutputStream().write(("\r\nGET /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertEquals(200, readAll(polite).status());
    }
  }

  @Test
  void aBodyThatDoesNotArriveWithinTheDeadlineIs408AndTheConnectionCloses() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(("POST /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      Raw answer = readAll(socket);
      assertProblem(answer, 408);
    }
  }

  @Test
  void aStalledBodyIs408AlsoWhileTheServerKeepsSeeingPausesOfItsOwn() throws Exception {
    // On a busy machine the pause detector counts a small stall now and then; here one on every look. Each credits the
    // client, but only up to one deadline in all: the body still gets its 408, at the latest two deadlines in.
    java.util.concurrent.atomic.AtomicLong stalled = new java.util.concurrent.atomic.AtomicLong();
    HttpServer busy = server(Duration.ofSeconds(2), 16, 0, 1_000,
        () -> stalled.addAndGet(Duration.ofMillis(30).toNanos())).start();
    try (Socket socket = connect(busy)) {
      socket.getOutputStream().write(("POST /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      assertProblem(readAll(socket), 408);
    } finally {
      busy.close();
    }
  }

  @Test
  void theServersOwnPauseBetweenReadsOfAWholeBodyIsNotBlamedOnTheClient() throws Exception {
    HttpServer defaults = server(HttpSettings.DEFAULT_REQUEST_DEADLINE, 16, HttpSettings.DEFAULT_MIN_BYTES_PER_SECOND).start();
    try {
      Raw answer = exchange(defaults, post("/v1/paused-read", "{\"text\":\"" + "x".repeat(90) + "\"}"));
      assertEquals(201, answer.status(), answer.text());
      assertEquals(101, JSON.readTree(answer.body()).get("bytes").asInt(), answer.text());
    } finally {
      defaults.close();
    }
  }

  @Test
  void aBodyTrickledBelowTheMinimumRateIs408LongBeforeTheDeadline() throws Exception {
    HttpServer defaults = server(Duration.ofSeconds(60), 16, HttpSettings.DEFAULT_MIN_BYTES_PER_SECOND).start();
    try (Socket socket = connect(defaults)) {
      socket.setSoTimeout(200);
      socket.getOutputStream().write(("POST /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: 20000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      long started = System.nanoTime();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      boolean closed = false;
      // 10 bytes every 100 ms is 100 B/s, a tenth of the minimum.
      while (!closed && System.nanoTime() - started < Duration.ofSeconds(30).toNanos()) {
        try {
          socket.getOutputStream().write("          ".getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          Thread.sleep(100);
          int next;
          while ((next = socket.getInputStream().read()) >= 0) {
            received.write(next);
          }
          closed = true;
        } catch (SocketTimeoutException stillOpen) {
          // the server is still reading the body
        } catch (IOException reset) {
          closed = true;
        }
      }
      Duration open = Duration.ofNanos(System.nanoTime() - started);
      assertTrue(closed, "the connection is still open after " + open);
      assertTrue(open.compareTo(Duration.ofSeconds(15)) < 0, "cut only after " + open + " of a 60 s deadline");
      String text = received.toString(StandardCharsets.UTF_8);
      assertTrue(text.startsWith("HTTP/1.1 408"), text);
    } finally {
      defaults.close();
    }
  }

  @Test
  void headersTrickledByteByByteAreCutOffAroundTheDeadline() throws Exception {
    try (Socket socket = connect()) {
      socket.setSoTimeout(200);
      socket.getOutputStream().write("GET /v1/notes HTTP/1.1\r\nHost: x\r\nX-A: ".getBytes(StandardCharsets.US_ASCII));
      long started = System.nanoTime();
      boolean closed = false;
      while (!closed && System.nanoTime() - started < Duration.ofSeconds(12).toNanos()) {
        try {
          socket.getOutputStream().write('a');
          socket.getOutputStream().flush();
          closed = socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
          // the server is still waiting for the rest of the headers
        } catch (IOException reset) {
          closed = true;
        }
      }
      Duration open = Duration.ofNanos(System.nanoTime() - started);
      assertTrue(closed, "the connection is still open after " + open);
      // The deadline is 2 s; a connection trickling headers is cut within it plus one check period and slack.
      assertTrue(open.compareTo(Duration.ofSeconds(6)) < 0, "closed only after " + open);
    }
    assertEquals(201, exchange(post("/v1/notes", "{\"text\":\"after trickle\"}")).status());
  }

  @Test
  void malformedChunkedBodiesAre400Problems() throws Exception {
    int before = STORED.get();
    assertProblem(exchange(chunked("ZZ\r\nabc\r\n0\r\n\r\n")), 400);
    Raw huge = exchange(chunked("FFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n"));
    assertTrue(huge.status() == 400 || huge.status() == 413, huge.text());
    assertProblem(huge, huge.status());
    assertEquals(before, STORED.get());
  }

  @Test
  void aClientStillSendingAnOversizedBodyReadsThe413InsteadOfAReset() throws Exception {
    byte[] oversized = ("{\"text\":\"" + "x".repeat(300_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream chunks = new ByteArrayOutputStream();
    for (int sent = 0; sent < oversized.length; sent += 16_384) {
      int length = Math.min(16_384, oversized.length - sent);
      chunks.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      chunks.write(oversized, sent, length);
      chunks.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    chunks.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    int before = STORED.get();
    for (int attempt = 0; attempt < 3; attempt++) {
      assertProblem(sendInPiecesThenRead(postBytes("/v1/notes", oversized)), 413);
      assertProblem(sendInPiecesThenRead(chunked("").getBytes(StandardCharsets.US_ASCII), chunks.toByteArray()), 413);
    }
    assertEquals(before, STORED.get());
  }

  @Test
  void anOversizedBodyStillArrivingAtTheDeadlineIs413Not408() throws Exception {
    byte[] part = ("{\"text\":\"" + "x".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
    String declared = "POST /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
        + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 200000\r\n\r\n";
    String chunk = Integer.toHexString(part.length) + "\r\n";
    for (byte[][] request : List.of(
        new byte[][] {declared.getBytes(StandardCharsets.US_ASCII), part},
        new byte[][] {chunked("").getBytes(StandardCharsets.US_ASCII), chunk.getBytes(StandardCharsets.US_ASCII), part})) {
      // The client stalls with the rest of the body unsent, past the 2 s deadline.
      assertProblem(sendInPiecesThenRead(request), 413);
    }
  }

  /** Sends the request as a client on a slow link does, the body still arriving after the server could answer. */
  private static Raw sendInPiecesThenRead(byte[]... parts) throws IOException, InterruptedException {
    try (Socket socket = connect()) {
      for (byte[] part : parts) {
        for (int sent = 0; sent < part.length; sent += 16_384) {
          socket.getOutputStream().write(part, sent, Math.min(16_384, part.length - sent));
          socket.getOutputStream().flush();
          Thread.sleep(5);
        }
      }
      return readAll(socket);
    }
  }

  @Test
  void aBodyAbortedMidwayLeavesTheServerAnswering() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(("POST /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"text\"").getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();
      Raw answer = readAll(socket);
      assertTrue(answer.status() == 0 || answer.status() == 400, answer.text());
    }
    assertEquals(201, exchange(post("/v1/notes", "{\"text\":\"after\"}")).status());
  }

  @Test
  void jettysOwnErrorsAreProblemsWithSecurityHeaders() throws Exception {
    assertProblem(exchange("GET /v1/no\u0001tes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400);
    assertProblem(exchange("GET /v1/notes HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\nConnection: close\r\n\r\n"), 400);
    assertProblem(exchange("GET /v1/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 414);
    assertProblem(exchange("GET /v1/notes HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n"), 431);
    Raw version = exchange("GET /v1/notes HTTP/7.3\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertProblem(version, version.status());
    assertEquals(400, version.status(), version.text());
    for (String method : List.of("GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS")) {
      for (String uri : List.of("/v1/notes/%FF", "/v1/notes/%ED%A0%80", "/v1/notes/%C0%AF", "/v1/notes/{x}")) {
        assertProblem(exchange(method + " " + uri + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
            400);
      }
    }
  }

  @Test
  void anUnknownOrIllegalCharsetIsA415ProblemOnEveryRoute() throws Exception {
    int before = STORED.get();
    for (String charset : List.of("ebcdic", "@@", "\"\"")) {
      Raw post = exchange(noteDeclaredAs("application/json; charset=" + charset));
      assertProblem(post, 415);
      assertTrue(post.body().contains("send UTF-8"), post.text());
      assertTrue(post.body().contains("/v1/notes"), post.text());
      Raw get = exchange("GET /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
          + "\r\nContent-Type: text/plain; charset=" + charset + "\r\nConnection: close\r\n\r\n");
      assertProblem(get, 415);
    }
    assertEquals(before, STORED.get());
    Raw known = exchange(noteDeclaredAs("application/json; charset=\"utf-8\""));
    assertEquals(201, known.status(), known.text());
  }

  @Test
  void aBodyDeclaredInAKnownCharsetOtherThanUtf8IsA415AndNothingIsStored() throws Exception {
    int before = STORED.get();
    for (String charset : List.of("iso-8859-1", "utf-16", "\"windows-1252\"", "utf-8; charset=latin1", "UTF-8; CHARSET=utf-16")) {
      Raw post = exchange(noteDeclaredAs("application/json; charset=" + charset));
      assertProblem(post, 415);
      assertTrue(post.body().contains("send UTF-8"), post.text());
    }
    assertEquals(before, STORED.get());
    Raw bare = exchange(noteDeclaredAs("application/json; charset=UTF8"));
    assertEquals(201, bare.status(), bare.text());
  }

  @Test
  void aHeaderThatCarriesOneValueSentTwiceIsA400AndNothingIsStored() throws Exception {
    int before = STORED.get();
    // Added to a request that already carries its Authorization and Content-Type once.
    Map<String, String> added = Map.of(
        "Authorization", "Authorization: Bearer wrong-key-0123456789",
        "Content-Type", "Content-Type: text/plain",
        "Idempotency-Key", "Idempotency-Key: first\r\nIdempotency-Key: second",
        "X-Request-Id", "X-Request-Id: first\r\nX-Request-Id: second");
    for (var header : added.entrySet()) {
      Raw answer = exchange(post("/v1/notes", "{\"text\":\"x\"}").replace("\r\nConnection", "\r\n" + header.getValue() + "\r\nConnection"));
      assertProblem(answer, 400);
      assertTrue(answer.body().contains("the " + header.getKey() + " header is sent more than once"), answer.text());
    }
    assertEquals(before, STORED.get());
  }

  @Test
  void aContentEncodedBodyIsA415NamingIdentityAndNothingIsStored() throws Exception {
    int before = STORED.get();
    for (String coding : List.of("gzip", "br", "deflate, gzip")) {
      Raw answer = exchange(post("/v1/notes", "{\"text\":\"x\"}").replace("Content-Type:", "Content-Encoding: " + coding
          + "\r\nContent-Type:"));
      assertProblem(answer, 415);
      assertTrue(answer.body().contains("Content-Encoding"), answer.text());
      assertTrue(answer.head().toLowerCase(Locale.ROOT).contains("accept-encoding: identity"), answer.text());
    }
    assertEquals(before, STORED.get());
    Raw identity = exchange(post("/v1/notes", "{\"text\":\"x\"}").replace("Content-Type:", "Content-Encoding: identity\r\nContent-Type:"));
    assertEquals(201, identity.status(), identity.text());
  }

  @Test
  void anOversizedBodyAnnouncedWithExpectContinueIsRefusedBeforeTheClientSendsIt() throws Exception {
    try (Socket socket = connect()) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("POST /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
          + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      // No body is sent: the answer must come without it, and be the 413, not a 100 Continue.
      Raw answer = readAll(socket);
      assertProblem(answer, 413);
    }
  }

  @Test
  void aCharsetFailureInsideARouteIsA415Problem() throws Exception {
    assertProblem(exchange(post("/v1/charset-read", "{}")), 415);
  }

  @Test
  void aJettyClientErrorRaisedInsideARouteKeepsItsStatus() throws Exception {
    Raw answer = exchange(post("/v1/slow-read", "{}"));
    assertProblem(answer, 408);
    assertTrue(answer.body().contains("/v1/slow-read"), answer.text());
  }

  @Test
  void jettyErrorsNameNoInventedPathAndExplainTheHttpVersion() throws Exception {
    Raw badHeader = exchange("GET /v1/notes HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\nConnection: close\r\n\r\n");
    assertProblem(badHeader, 400);
    assertFalse(badHeader.body().contains("badMessage"), badHeader.text());
    Raw http2 = exchange("GET /v1/notes HTTP/2.0\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertFalse(http2.status() >= 500, http2.text());
    assertProblem(http2, http2.status());
    assertFalse(http2.body().contains("HTTP " + http2.status()), http2.text());
    Raw future = exchange("GET /v1/notes HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertProblem(future, 400);
    assertTrue(future.body().contains("only HTTP/1.1 and HTTP/1.0 are served"), future.text());
  }

  @Test
  void nestingBeyondTheParserLimitIsA400WithoutLibraryNames() throws Exception {
    Raw answer = exchange(post("/v1/notes", "{\"extra\":" + "[".repeat(3_000) + "]".repeat(3_000) + "}"));
    assertProblem(answer, 400);
  }

  @Test
  void textPostgresCannotStoreIsA422NamingTheField() throws Exception {
    int before = STORED.get();
    Raw nul = exchange(post("/v1/notes", "{\"text\":\"a\\u0000b\"}"));
    assertProblem(nul, 422);
    assertEquals("text", field(nul));
    Raw surrogate = exchange(post("/v1/notes", "{\"text\":\"ok\",\"extra\":{\"deep\":[\"\\ud800\"]}}"));
    assertProblem(surrogate, 422);
    assertEquals("extra.deep[0]", field(surrogate));
    Raw keyWithNul = exchange(post("/v1/notes", "{\"extra\":{\"a\\u0000\":1}}"));
    assertProblem(keyWithNul, 422);
    assertEquals(before, STORED.get());
  }

  @Test
  void bytesThatAreNotUtf8Are400EvenWhereALenientDecoderReadsThemAsCharacters() throws Exception {
    int before = STORED.get();
    for (byte[] text : List.of(
        new byte[] {(byte) 0xC0, (byte) 0xBC, 's'}, // an overlong '<'
        new byte[] {'A', (byte) 0xE0, (byte) 0x80, (byte) 0xAF, 'B'}, // an overlong '/'
        new byte[] {(byte) 0xC0, (byte) 0x80}, // an overlong NUL
        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate encoded on its own (CESU-8)
        new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})) { // above U+10FFFF
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      json.writeBytes("{\"text\":\"".getBytes(StandardCharsets.UTF_8));
      json.writeBytes(text);
      json.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
      Raw answer = exchange(server, postBytes("/v1/notes", json.toByteArray()));
      assertProblem(answer, 400);
      assertTrue(answer.body().contains("not valid UTF-8"), answer.text());
    }
    assertEquals(before, STORED.get());
  }

  @Test
  void datesAndNumbersOutOfRangeAre422NamingTheField() throws Exception {
    int before = STORED.get();
    for (String date : List.of("+294277-01-01T00:00:00Z", "-4714-11-24T00:00:00Z", "+10000-01-01T00:00:00Z")) {
      Raw answer = exchange(post("/v1/notes", "{\"at\":\"" + date + "\"}"));
      assertProblem(answer, 422);
      assertEquals("at", field(answer), answer.text());
    }
    Raw epoch = exchange(post("/v1/notes", "{\"at\":99999999999999}"));
    assertProblem(epoch, 422);
    Raw big = exchange(post("/v1/notes", "{\"extra\":{\"n\":123456789012345678901234567890}}"));
    assertProblem(big, 422);
    assertEquals("extra.n", field(big));
    Raw huge = exchange(post("/v1/notes", "{\"extra\":{\"n\":1e400}}"));
    assertProblem(huge, 422);
    for (String tiny : List.of("1e-400", "-1e-20000", "1e-2147483647", "2e-324", "1.8e308", "1e-2147483649",
        "1e99999999999", "0.1e-2147483648")) {
      Raw answer = exchange(post("/v1/notes", "{\"extra\":{\"n\":" + tiny + "}}"));
      assertProblem(answer, 422);
      assertEquals("extra.n", field(answer), tiny + " -> " + answer.text());
    }
    assertEquals(before, STORED.get());
    for (String edge : List.of("4.9e-324", "1.7976931348623158e308", "0e-2147483647", "-0.0")) {
      assertEquals(201, exchange(post("/v1/notes", "{\"extra\":{\"n\":" + edge + "}}")).status(), edge);
    }
    assertEquals(201, exchange(post("/v1/notes", "{\"at\":\"2026-12-01T00:00:00Z\",\"text\":\"fine \\ud83d\\ude00\"}")).status());
  }

  @Test
  void queryParametersPostgresCannotStoreOrWithMalformedEscapesAre400() throws Exception {
    Raw nul = exchange("GET /v1/notes?q=a%00b HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY + "\r\nConnection: close\r\n\r\n");
    assertProblem(nul, 400);
    for (String notUtf8 : List.of("%ED%A0%80", "%C0%BC", "%FF", "ok%E2%82")) {
      Raw answer = exchange("GET /v1/notes?q=" + notUtf8 + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY + "\r\nConnection: close\r\n\r\n");
      assertProblem(answer, 400);
      assertTrue(answer.body().contains("not valid UTF-8"), answer.text());
    }
    for (String malformed : List.of("%%%%", "%zz", "abc%", "ab%4", "%4g")) {
      Raw answer = exchange("GET /v1/notes?q=" + malformed + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY + "\r\nConnection: close\r\n\r\n");
      assertProblem(answer, 400);
      assertTrue(answer.body().contains("not valid percent-encoding"), malformed + ": " + answer.text());
    }
    Raw wellFormed = exchange("GET /v1/notes?q=%E2%82%AC%20%F0%9F%98%80 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY + "\r\nConnection: close\r\n\r\n");
    assertEquals(200, wellFormed.status(), wellFormed.text());
  }

  private static String field(Raw answer) throws IOException {
    return JSON.readTree(answer.body()).path("errors").path(0).path("field").asText();
  }

  private static void assertProblem(Raw answer, int status) {
    assertEquals(status, answer.status(), answer.text());
    String head = answer.head().toLowerCase(Locale.ROOT);
    assertTrue(head.contains("content-type: application/problem+json"), answer.text());
    assertTrue(head.contains("x-content-type-options: nosniff"), answer.text());
    String body = answer.body().toLowerCase(Locale.ROOT);
    for (String leak : List.of("jetty", "jackson", "org.", "com.", "java.", "exception", "<html")) {
      assertFalse(body.contains(leak), "leaks " + leak + ": " + answer.body());
    }
  }

  private static String post(String path, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
        + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + bytes.length + "\r\n\r\n" + json;
  }

  /** The note POST with {@code contentType} in place of {@code application/json}. */
  private static String noteDeclaredAs(String contentType) {
    return post("/v1/notes", "{\"text\":\"x\"}").replace("application/json", contentType);
  }

  private static byte[] postBytes(String path, byte[] body) {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
        + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    request.writeBytes(body);
    return request.toByteArray();
  }

  private static String chunked(String body) {
    return "POST /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_KEY
        + "\r\nContent-Type: application/json\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
  }

  record Raw(int status, String head, String body) {
    String text() {
      return head + "\n\n" + body;
    }
  }

  private static Socket connect() throws IOException {
    return connect(server);
  }

  private static Socket connect(HttpServer target) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", target.port()), 5_000);
    socket.setSoTimeout(15_000);
    return socket;
  }

  private static Raw exchange(String request) throws IOException {
    return exchange(server, request);
  }

  private static Raw exchange(HttpServer target, String request) throws IOException {
    return exchange(target, request.getBytes(StandardCharsets.UTF_8));
  }

  private static Raw exchange(HttpServer target, byte[] request) throws IOException {
    try (Socket socket = connect(target)) {
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return readAll(socket);
    }
  }

  private static Raw readAll(Socket socket) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what arrived so far is the answer
    }
    String text = out.toString(StandardCharsets.UTF_8);
    int split = text.indexOf("\r\n\r\n");
    String head = split < 0 ? text : text.substring(0, split);
    String body = split < 0 ? "" : text.substring(split + 4);
    if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
      body = dechunk(body);
    }
    int status = head.startsWith("HTTP/1.1 ") && head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : 0;
    return new Raw(status, head, body);
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < body.length()) {
      int eol = body.indexOf("\r\n", at);
      if (eol < 0) break;
      int size = Integer.parseInt(body.substring(at, eol).strip(), 16);
      if (size == 0) break;
      out.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    return out.toString();
  }

  private static void awaitConnectionsFrom(HttpServer server, int open) throws InterruptedException {
    awaitCount(() -> server.connectionsFrom("127.0.0.1"), open, "connections the server serves from 127.0.0.1");
  }

  private static void awaitHeldFrom(HttpServer server, int held) throws InterruptedException {
    awaitCount(() -> server.connectionsHeldFrom("127.0.0.1"), held, "connections the server holds from 127.0.0.1");
  }

  private static void awaitCount(java.util.function.IntSupplier count, int expected, String what) throws InterruptedException {
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (count.getAsInt() != expected && System.nanoTime() < giveUpAt) {
      Thread.sleep(10);
    }
    assertEquals(expected, count.getAsInt(), what);
  }
}
