package dev.relaybox.adapters.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SignedPostTimeoutTest {
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final long HUGE = 200L * 1024 * 1024;
  private final AtomicLong hugeBytesWritten = new AtomicLong();
  private final CountDownLatch hugeWriterStopped = new CountDownLatch(1);
  private HttpServer receiver;
  private String base;

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(Executors.newCachedThreadPool());
    receiver.createContext("/trickle", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, 15);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < 15; i++) {
          out.write('x');
          out.flush();
          Thread.sleep(300);
        }
      } catch (IOException | InterruptedException e) {
        // the sender gave up: expected
      }
    });
    receiver.createContext("/huge", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, HUGE);
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'y');
      try (OutputStream out = exchange.getResponseBody()) {
        while (hugeBytesWritten.get() < HUGE) {
          out.write(chunk);
          hugeBytesWritten.addAndGet(chunk.length);
        }
      } catch (IOException e) {
        // the sender closed the connection after its capped prefix: expected
      } finally {
        hugeWriterStopped.countDown();
      }
    });
    receiver.start();
    base = "http://127.0.0.1:" + receiver.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
  }

  @Test
  void aTwoHundredWhoseBodyTricklesPastTheTimeoutIsRecordedAsATimeoutWithinTheTimeout() {
    var post = new SignedPost(TIMEOUT, Clock.systemUTC());
    long started = System.nanoTime();
    var answer = post.post(URI.create(base + "/trickle"), SignedPost.signer(SECRET), "msg_1", "{}");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(0, answer.status(), answer.summary());
    assertTrue(answer.summary().contains("within " + TIMEOUT.toMillis() + " ms"), answer.summary());
    // the body would take 4.5 s to arrive; the attempt must end at the timeout, not when the body ends
    assertTrue(took.compareTo(Duration.ofMillis(3_000)) < 0, "took " + took);
  }

  @Test
  void aHugeTwoHundredBodyIsASuccessAfterReadingOnlyACappedPrefix() throws Exception {
    // Its own 10 s: this test is about the cap, and a loaded host may take longer than a second to send the prefix.
    var post = new SignedPost(Duration.ofSeconds(10), Clock.systemUTC());
    var answer = post.post(URI.create(base + "/huge"), SignedPost.signer(SECRET), "msg_2", "{}");

    assertEquals(200, answer.status(), answer.summary());
    assertTrue(answer.summary().startsWith("200 yyyy"), answer.summary());
    assertTrue(hugeWriterStopped.await(10, TimeUnit.SECONDS), "the receiver is still writing its body");
    assertTrue(hugeBytesWritten.get() < HUGE, "the whole body was read: " + hugeBytesWritten.get());
  }
}
