package dev.relaybox.adapters.paymentprovider;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's knobs. {@code share504}: share of creates answered 504; {@code share504Created}: of those, the share
 * that did create the transaction anyway; {@code shareNoWebhook}: share of transactions whose webhook is never sent;
 * {@code shareFailed}: share that end {@code failed} (the rest succeed); {@code settleAfter}: how long a transaction
 * stays pending; {@code webhookBeforeResponse}: settle and send the webhook before answering the create.
 */
public record SimulatorSettings(String host, int port, Optional<String> apiKey, Optional<URI> webhookUrl, Optional<String> webhookSecret,
    Duration latency, double share504, double share504Created, double shareNoWebhook, double shareFailed, Duration settleAfter,
    boolean webhookBeforeResponse, long seed) {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

  public SimulatorSettings {
    apiKey = apiKey == null ? Optional.empty() : apiKey;
    webhookUrl = webhookUrl == null ? Optional.empty() : webhookUrl;
    webhookSecret = webhookSecret == null ? Optional.empty() : webhookSecret;
    for (double share : new double[] {share504, share504Created, shareNoWebhook, shareFailed}) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("shares must be between 0 and 1");
      }
    }
  }

  public static SimulatorSettings defaults() {
    return new SimulatorSettings("127.0.0.1", 9100, Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofMillis(50), 0, 0.5,
        0, 0.1, Duration.ofMillis(500), false, System.nanoTime());
  }

  public static final String USAGE = """
      usage: java -jar relaybox.jar simulate payment-provider [options]
        --port N                     port to listen on (default 9100; 0 picks a free one)
        --host HOST                  address to bind (default 127.0.0.1)
        --api-key KEY                require "Authorization: Bearer KEY" (default: any key)
        --webhook-url URL            where to POST transaction.updated webhooks (Relaybox: http://host:port/webhooks/payments)
        --webhook-secret whsec_...   Standard Webhooks secret (RELAYBOX_PAYMENT_WEBHOOK_SECRET on the Relaybox side)
        --latency 50ms               delay before every answer
        --share-504 0.2              share of creates answered 504
        --share-504-created 0.5      share of those 504s that did create the transaction
        --share-no-webhook 0.1       share of transactions whose webhook is never sent (Relaybox must poll)
        --status-mix succeeded=0.9,failed=0.1   final status mix
        --settle-after 500ms         how long a transaction stays pending
        --webhook-before-response    settle and send the webhook before answering the create
        --seed N                     random seed, for repeatable runs
      """;

  public static SimulatorSettings parse(String[] args) {
    SimulatorSettings s = defaults();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--webhook-before-response")) {
        s = s.with(b -> b.webhookBeforeResponse = true);
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String v = args[++i];
      s = switch (flag) {
        case "--port" -> s.with(b -> b.port = Integer.parseInt(v));
        case "--host" -> s.with(b -> b.host = v);
        case "--api-key" -> s.with(b -> b.apiKey = Optional.of(v));
        case "--webhook-url" -> s.with(b -> b.webhookUrl = Optional.of(URI.create(v)));
        case "--webhook-secret" -> s.with(b -> b.webhookSecret = Optional.of(v));
        case "--latency" -> s.with(b -> b.latency = duration(flag, v));
        case "--share-504" -> s.with(b -> b.share504 = share(flag, v));
        case "--share-504-created" -> s.with(b -> b.share504Created = share(flag, v));
        case "--share-no-webhook" -> s.with(b -> b.shareNoWebhook = share(flag, v));
        case "--status-mix" -> s.with(b -> b.shareFailed = failedShare(v));
        case "--settle-after" -> s.with(b -> b.settleAfter = duration(flag, v));
        case "--seed" -> s.with(b -> b.seed = Long.parseLong(v));
        default -> throw new IllegalArgumentException("unknown option " + flag);
      };
    }
    // Checked once all options are read: the options may come in any order.
    if (s.webhookUrl().isPresent() && s.webhookSecret().isEmpty()) {
      throw new IllegalArgumentException("--webhook-secret is required with --webhook-url");
    }
    return s;
  }

  private static double share(String flag, String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number between 0 and 1");
    }
  }

  private static double failedShare(String mix) {
    double succeeded = 0;
    double failed = 0;
    for (String part : mix.split(",")) {
      String[] kv = part.strip().split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("--status-mix looks like succeeded=0.9,failed=0.1");
      }
      double weight = share("--status-mix", kv[1].strip());
      switch (kv[0].strip().toLowerCase(Locale.ROOT)) {
        case "succeeded" -> succeeded = weight;
        case "failed" -> failed = weight;
        default -> throw new IllegalArgumentException("--status-mix knows succeeded and failed");
      }
    }
    if (succeeded + failed <= 0) {
      throw new IllegalArgumentException("--status-mix needs a positive weight");
    }
    return failed / (succeeded + failed);
  }

  private static Duration duration(String flag, String v) {
    Matcher m = DURATION.matcher(v.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(flag + " must look like 50ms, 2s or 1m");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }

  /** A copy with some knobs changed, for tests that turn knobs between scenarios. */
  public SimulatorSettings with(java.util.function.Consumer<Builder> change) {
    Builder b = new Builder(this);
    change.accept(b);
    return b.build();
  }

  /** Mutable only while a copy is being made. */
  public static final class Builder {
    public String host;
    public int port;
    public Optional<String> apiKey;
    public Optional<URI> webhookUrl;
    public Optional<String> webhookSecret;
    public Duration latency;
    public double share504;
    public double share504Created;
    public double shareNoWebhook;
    public double shareFailed;
    public Duration settleAfter;
    public boolean webhookBeforeResponse;
    public long seed;

    Builder(SimulatorSettings s) {
      host = s.host;
      port = s.port;
      apiKey = s.apiKey;
      webhookUrl = s.webhookUrl;
      webhookSecret = s.webhookSecret;
      latency = s.latency;
      share504 = s.share504;
      share504Created = s.share504Created;
      shareNoWebhook = s.shareNoWebhook;
      shareFailed = s.shareFailed;
      settleAfter = s.settleAfter;
      webhookBeforeResponse = s.webhookBeforeResponse;
      seed = s.seed;
    }

    SimulatorSettings build() {
      return new SimulatorSettings(host, port, apiKey, webhookUrl, webhookSecret, latency, share504, share504Created, shareNoWebhook,
          shareFailed, settleAfter, webhookBeforeResponse, seed);
    }
  }
}
