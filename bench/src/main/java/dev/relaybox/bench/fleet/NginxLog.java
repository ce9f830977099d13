package dev.relaybox.bench.fleet;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of nginx's access log (format {@code retries} in {@code deploy/nginx.conf.template}) written since this
 * object was made: how many requests nginx passed to a second node, and what each failed attempt answered.
 */
public final class NginxLog {
  private final Path file;
  private final long start;

  public NginxLog(Path file) throws IOException {
    this.file = file;
    this.start = Files.exists(file) ? Files.size(file) : 0;
  }

  /** Requests answered since the start, and how many were tried on more than one node. */
  public record Retries(long requests, long retried, Map<String, Long> firstAttemptStatus) {}

  public Retries read() throws IOException {
    long requests = 0, retried = 0;
    Map<String, Long> firstAttempt = new TreeMap<>();
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      in.seek(start);
      byte[] bytes = new byte[(int) (in.length() - start)];
      in.readFully(bytes);
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.contains(" /lb/health ")) {
          continue;
        }
        requests++;
        // $msec $client_method $request_uri $status $upstream_status "$upstream_addr" $request_time; retried: "a, b" in both fields
        int quote = line.indexOf('"');
        String addresses = quote < 0 ? "" : line.substring(quote + 1, line.indexOf('"', quote + 1));
        if (addresses.contains(",")) {
          retried++;
          String[] fields = line.substring(0, quote).trim().split(" ", 5);
          String statuses = fields.length == 5 ? fields[4] : "?";
          firstAttempt.merge(statuses.split(",")[0].trim(), 1L, Long::sum);
        }
      }
    }
    return new Retries(requests, retried, firstAttempt);
  }
}
