package dev.relaybox.adapters.http.shared;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole request body without holding a thread, before any route (and before the in-flight limit) sees the
 * request: a client that trickles its body holds only a socket, never a slot that legitimate requests need. The
 * request line, headers and body must all arrive within {@code deadline} of the first byte, and after its first two
 * seconds the body must have arrived at {@code minBytesPerSecond} at least (0: no minimum), else 408 and the connection
 * closes. Time this server was not running (a GC pause, SIGSTOP: measured by a {@link PauseDetector}) is not counted
 * against the client, up to one deadline in all: the client's bytes wait unread in the socket meanwhile, and its
 * silence after the pause is measured from when the server runs again. A body over the limit is 413; malformed
 * chunked framing or a body the client aborts is 400, logged in one line.
 *
 * <p>A body over the limit is still read, and dropped, up to {@link #DISCARDED_BYTES_AT_MOST} past it before the 413
 * is sent: closing a connection whose client is still sending makes the kernel answer with a reset, and a reset
 * arriving before the client has read the 413 destroys it, so the client would see a dropped connection instead of
 * the answer. Larger bodies are refused at once, and a body known to be too large that is still arriving at the
 * deadline gets its 413 then.
 *
 * <p>A request on a connection its address opened past the per-address cap ({@link PerAddressConnectionLimit}) is read
 * the same way, then answered {@code 503} with {@code Retry-After}, and the connection closes.
 */
final class WholeBodyGate extends Handler.Wrapper {
  private static final Logger LOG = LoggerFactory.getLogger(WholeBodyGate.class);
  private final SampledLog timeouts = new SampledLog(LOG, java.time.Duration.ofSeconds(10));
  private final SampledLog unreadable = new SampledLog(LOG, java.time.Duration.ofSeconds(10));

  static final long DISCARDED_BYTES_AT_MOST = 1024 * 1024;
  /**
   * How long a body may take to get going before the minimum rate applies: a first packet can be small, and a lost
   * packet is resent only after a retransmission timeout (up to a second on a poor link).
   */
  static final Duration RATE_GRACE = Duration.ofSeconds(2);
  /** A check this late ran after a pause the detector may not have counted yet: it looks again this much later. */
  static final Duration PAUSE_TOLERANCE = Duration.ofMillis(100);

  private final long maxBodyBytes;
  private final Duration deadline;
  private final long minBytesPerSecond;
  private final LongSupplier stalledNanos;
  private final PerAddressConnectionLimit connections;

  /** @param stalledNanos total time this process was not running, growing (a {@link PauseDetector}) */
  WholeBodyGate(long maxBodyBytes, Duration deadline, long minBytesPerSecond, LongSupplier stalledNanos,
      PerAddressConnectionLimit connections) {
    this.connections = connections;
    this.maxBodyBytes = maxBodyBytes;
    this.deadline = deadline;
    this.minBytesPerSecond = minBytesPerSecond;
    this.stalledNanos = stalledNanos;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!knownCharset(request.getHeaders().get(HttpHeader.CONTENT_TYPE))) {
      // Reading the body later would fail deep inside the server; refusing now is one clear 415.
      refuse(request, response, callback, HttpStatus.UNSUPPORTED_MEDIA_TYPE_415);
      return true;
    }
    if (!identityCoded(request.getHeaders().get(HttpHeader.CONTENT_ENCODING))) {
      // Bodies are read as sent: a compressed one would be parsed as garbage, a mislabelled one taken as if unlabelled.
      refuse(request, response, callback, HttpStatus.UNSUPPORTED_MEDIA_TYPE_415);
      return true;
    }
    long declared = request.getLength();
    if (declared > maxBodyBytes && request.getHeaders().contains(HttpHeader.EXPECT, "100-continue")) {
      // The client waits for a 100 before it sends the body: refuse now, there is nothing to drain.
      refuse(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
      return true;
    }
    boolean chunked = declared < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    boolean turnedAway = connections.turnsAway(request.getConnectionMetaData().getConnection());
    if (declared == 0 || (declared < 0 && !chunked)) {
      if (turnedAway) {
        turnAway(request, response, callback);
        return true;
      }
      return super.handle(request, response, callback);
    }
    if (declared > maxBodyBytes + DISCARDED_BYTES_AT_MOST) {
      // Javalin refuses a declared length over the limit before reading anything, with the request id.
      return super.handle(request, response, callback);
    }
    long deadlineNanos = request.getBeginNanoTime() + deadline.toNanos();
    if (deadlineNanos - System.nanoTime() <= 0) {
      refuse(request, response, callback, HttpStatus.REQUEST_TIMEOUT_408);
      return true;
    }
    new BodyReader(request, response, callback, declared, deadlineNanos, turnedAway).start();
    return true;
  }

  /** The error handler ({@link ProblemErrorHandler}) gives every 503 its {@code Retry-After}. */
  private static void turnAway(Request request, Response response, Callback callback) {
    refuse(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503);
  }

  /** True when the body carries no content coding but identity. */
  static boolean identityCoded(String contentEncoding) {
    return contentEncoding == null || contentEncoding.isBlank() || contentEncoding.strip().equalsIgnoreCase("identity");
  }

  /** True when the Content-Type names no charset, or one this JVM can decode. */
  static boolean knownCharset(String contentType) {
    if (contentType == null) {
      return true;
    }
    for (String name : DeclaredCharsets.in(contentType.split(";"))) {
      try {
        if (name.isEmpty() || !java.nio.charset.Charset.isSupported(name)) {
          return false;
        }
      } catch (java.nio.charset.IllegalCharsetNameException e) {
        return false;
      }
    }
    return true;
  }

  private static void refuse(Request request, Response response, Callback callback, int status) {
    // The rest of the body is never read, so the connection cannot carry another request.
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    Response.writeError(request, response, callback, status);
  }

  /** Accumulates the body chunk by chunk as Jetty signals data, then hands a request that replays it downstream. */
  private final class BodyReader implements Runnable {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicReference<Scheduler.Task> timeout = new AtomicReference<>();
    private final boolean declaredTooLarge;
    private final long startedNanos = System.nanoTime();
    private final long deadlineNanos;
    private final boolean turnedAway;
    private final long stalledAtStart = stalledNanos.getAsLong();
    private volatile boolean overLimit;
    /** Body bytes arrived so far, kept or discarded; written by the reader only, read by the timer. */
    private volatile long received;
    private byte[] body;
    private int size;
    private long discarded;

    BodyReader(Request request, Response response, Callback callback, long declared, long deadlineNanos,
        boolean turnedAway) {
      this.turnedAway = turnedAway;
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.deadlineNanos = deadlineNanos;
      this.declaredTooLarge = declared > maxBodyBytes;
      this.overLimit = declaredTooLarge;
      this.body = declaredTooLarge ? null : new byte[(int) Math.min(declared > 0 ? declared : 1024, maxBodyBytes)];
    }

    void start() {
      scheduleCheck();
      run();
    }

    /** Checks again when the client next falls short: at the deadline, or when its bytes so far fall behind the rate. */
    private void scheduleCheck() {
      scheduleCheck(0);
    }

    private void scheduleCheck(long atLeastNanos) {
      long now = System.nanoTime();
      long paused = paused();
      long delay = deadlineNanos + paused - now;
      if (minBytesPerSecond > 0) {
        long owed = (long) Math.ceil((received + 1) * 1e9 / minBytesPerSecond);
        delay = Math.min(delay, startedNanos + paused - now + RATE_GRACE.toNanos() + owed);
      }
      delay = Math.max(atLeastNanos, delay);
      long due = now + delay;
      Scheduler.Task next = request.getComponents().getScheduler().schedule(() -> check(due), delay,
          TimeUnit.NANOSECONDS);
      Scheduler.Task previous = timeout.getAndSet(next);
      if (previous != null) {
        previous.cancel();
      }
      if (finished.get()) {
        next.cancel();
      }
    }

    /** Time this server was not running since the body's reading began, credited up to one deadline. */
    private long paused() {
      return Math.min(deadline.toNanos(), stalledNanos.getAsLong() - stalledAtStart);
    }

    private boolean behindRate(long now) {
      long reading = now - startedNanos - paused() - RATE_GRACE.toNanos();
      return minBytesPerSecond > 0 && reading > 0 && received < minBytesPerSecond * (reading / 1e9);
    }

    private void check(long due) {
      if (finished.get()) {
        return;
      }
      long now = System.nanoTime();
      if (now - due > PAUSE_TOLERANCE.toNanos() && paused() < deadline.toNanos()) {
        // This check ran late, after a pause: let the detector count it and the reader take what arrived meanwhile.
        scheduleCheck(PAUSE_TOLERANCE.toNanos());
        return;
      }
      boolean late = now - deadlineNanos - paused() >= 0;
      if (!late && !behindRate(now)) {
        // Bytes arrived since this check was scheduled, or the detector counted a pause since (on a busy machine it
        // counts small ones all the time): the client's time is not up yet, so look again when it is. Returning here
        // without a next check left a body stalled for good with its connection open.
        scheduleCheck();
        return;
      }
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      if (overLimit) {
        // Too large is the answer the client can act on; a 408 would invite it to send the same body again.
        answerTooLarge();
        return;
      }
      if (late) {
        timeouts.info("request body did not arrive within {} from {}; answered 408", deadline, remote(request));
      } else {
        timeouts.info("request body arrived slower than {} B/s from {}; answered 408", minBytesPerSecond, remote(request));
      }
      refuse(request, response, callback, HttpStatus.REQUEST_TIMEOUT_408);
    }

    @Override
    public void run() {
      while (!finished.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          scheduleCheck();
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          fail(chunk.getFailure());
          return;
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        int length = bytes.remaining();
        received += length;
        if (overLimit || (long) size + length > maxBodyBytes) {
          overLimit = true;
          body = null;
          discarded += length;
          boolean last = chunk.isLast();
          chunk.release();
          if (last || size + discarded > maxBodyBytes + DISCARDED_BYTES_AT_MOST) {
            if (finish()) {
              answerTooLarge();
            }
            return;
          }
          continue;
        }
        if (size + length > body.length) {
          body = java.util.Arrays.copyOf(body, (int) Math.min(maxBodyBytes, Math.max((long) body.length * 2, size + length)));
        }
        bytes.get(body, size, length);
        size += length;
        boolean last = chunk.isLast();
        chunk.release();
        if (last) {
          if (finish()) {
            forward();
          }
          return;
        }
      }
    }

    private void answerTooLarge() {
      if (declaredTooLarge) {
        // The body is gone; Javalin refuses the declared length from the header alone, with the request id.
        try {
          if (WholeBodyGate.super.handle(request, response, callback)) {
            return;
          }
        } catch (Throwable e) {
          Response.writeError(request, response, callback, e);
          return;
        }
      }
      refuse(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
    }

    private boolean finish() {
      if (!finished.compareAndSet(false, true)) {
        return false;
      }
      Scheduler.Task task = timeout.get();
      if (task != null) {
        task.cancel();
      }
      return true;
    }

    private void fail(Throwable failure) {
      if (finish()) {
        unreadable.info("unreadable request body from {} on {} {}: {}", remote(request), request.getMethod(),
            Request.getPathInContext(request), oneLine(failure));
        refuse(request, response, callback, HttpStatus.BAD_REQUEST_400);
      }
    }

    private void forward() {
      if (turnedAway) {
        turnAway(request, response, callback);
        return;
      }
      Request replay = new BufferedBodyRequest(request, ByteBuffer.wrap(body, 0, size));
      try {
        if (!WholeBodyGate.super.handle(replay, response, callback)) {
          Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
        }
      } catch (Throwable e) {
        Response.writeError(request, response, callback, e);
      }
    }
  }

  private static String remote(Request request) {
    return Request.getRemoteAddr(request);
  }

  private static String oneLine(Throwable failure) {
    String message = failure.getMessage();
    String text = message == null ? "aborted" : message.lines().findFirst().orElse("aborted");
    return text.length() > 200 ? text.substring(0, 200) : text;
  }

  /** The original request with its content replaced by the body already read. */
  private static final class BufferedBodyRequest extends Request.Wrapper {
    private final AtomicReference<Content.Chunk> content;

    BufferedBodyRequest(Request wrapped, ByteBuffer body) {
      super(wrapped);
      this.content = new AtomicReference<>(Content.Chunk.from(body, true));
    }

    @Override
    public Content.Chunk read() {
      Content.Chunk chunk = content.getAndSet(null);
      return chunk == null ? Content.Chunk.EOF : chunk;
    }

    @Override
    public void demand(Runnable demandCallback) {
      demandCallback.run();
    }

    @Override
    public void fail(Throwable failure) {
      content.set(null);
    }
  }
}
