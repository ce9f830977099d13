package dev.relaybox.adapters.backend;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Keeps at most {@code cap} bytes of a receiver's answer, then cancels the rest of the body: a receiver's answer is
 * only a summary for the attempt log (as Svix and Stripe keep it), and a huge body must not be read to its end. The
 * body counts as read when it ends or when the cap is reached, whichever comes first.
 */
final class CappedBody implements HttpResponse.BodySubscriber<String> {
  private final int cap;
  private final ByteArrayOutputStream kept;
  private final CompletableFuture<String> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  CappedBody(int cap) {
    this.cap = cap;
    this.kept = new ByteArrayOutputStream(Math.min(cap, 256));
  }

  static HttpResponse.BodyHandler<String> handler(int cap) {
    return info -> new CappedBody(cap);
  }

  @Override
  public CompletionStage<String> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer buffer : buffers) {
      int take = Math.min(buffer.remaining(), cap - kept.size());
      byte[] bytes = new byte[take];
      buffer.get(bytes);
      kept.write(bytes, 0, take);
      if (kept.size() >= cap) {
        subscription.cancel();
        result.complete(text());
        return;
      }
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    result.complete(text());
  }

  private String text() {
    return kept.toString(StandardCharsets.UTF_8);
  }
}
