package dev.relaybox.bench.fleet;

import dev.relaybox.bench.fleet.OpenLoad.Accepted;
import dev.relaybox.bench.fleet.OpenLoad.Flow;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What became of every accepted request, per flow, counted where a user would look: the third party's inbox (the
 * fakes) and the request's own status in PostgreSQL. A request is settled when it was delivered (received by the fake
 * and, for assistance, marked delivered) or failed (marked failed, or its job is a dead letter); lost means accepted
 * and still neither when the wait ends.
 */
public final class FleetTally {
  /**
   * @param delivered received by the third party at least once
   * @param failed ended as failed (assistance request {@code failed}, or a dead job) without being received
   * @param lost accepted, and neither delivered nor failed
   * @param deliveredTwice received more than once (the receiver has the id to drop the repeat)
   * @param completedWithoutSend marked delivered in PostgreSQL although the third party never received it: what a
   *     completion by a stale owner that skipped or lost its send would leave behind
   */
  public record Row(String flow, long accepted, long delivered, long failed, long lost, long deliveredTwice, long completedWithoutSend) {}

  private final FleetFakes fakes;
  private final String jdbcUrl;

  public FleetTally(FleetFakes fakes, String jdbcUrl) {
    this.fakes = fakes;
    this.jdbcUrl = jdbcUrl;
  }

  /** Waits up to {@code limit} for every accepted request to settle, then counts. */
  public List<Row> awaitSettled(List<Accepted> accepted, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    List<Row> rows = count(accepted);
    while (rows.stream().anyMatch(r -> r.lost() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      rows = count(accepted);
    }
    return rows;
  }

  public List<Row> count(List<Accepted> accepted) {
    try (Connection db = DriverManager.getConnection(jdbcUrl)) {
      Map<String, String> status = assistanceStatus(db, accepted);
      List<String> dead = deadPayloads(db);
      List<Row> rows = new ArrayList<>();
      rows.add(assistance(accepted, status, dead));
      rows.add(purchases(accepted, dead));
      rows.add(acknowledgements(accepted, dead));
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("could not count against PostgreSQL: " + e.getMessage(), e);
    }
  }

  private Row assistance(List<Accepted> accepted, Map<String, String> status, List<String> dead) {
    long n = 0, delivered = 0, failed = 0, twice = 0, withoutSend = 0;
    for (Accepted a : accepted) {
      if (a.flow() != Flow.ASSISTANCE) {
        continue;
      }
      n++;
      int received = fakes.slackMessagesFor(a.id());
      String state = status.getOrDefault(a.id(), "missing");
      if (received > 0) {
        delivered++;
      } else if (state.equals("failed") || containsId(dead, a.id())) {
        failed++;
      }
      if (received > 1) {
        twice++;
      }
      if (received == 0 && state.equals("delivered")) {
        withoutSend++;
      }
    }
    // Received but not yet marked delivered is still in flight: counted delivered only once PostgreSQL agrees.
    long pendingMark = accepted.stream().filter(a -> a.flow() == Flow.ASSISTANCE)
        .filter(a -> fakes.slackMessagesFor(a.id()) > 0 && !"delivered".equals(status.get(a.id()))).count();
    return new Row("assistance → Slack", n, delivered - pendingMark, failed, n - (delivered - pendingMark) - failed, twice, withoutSend);
  }

  private Row purchases(List<Accepted> accepted, List<String> dead) {
    long n = 0, delivered = 0, failed = 0, twice = 0;
    for (Accepted a : accepted) {
      if (a.flow() != Flow.PURCHASE) {
        continue;
      }
      n++;
      int received = fakes.verifiedDeliveriesFor(a.id());
      if (received > 0) {
        delivered++;
      } else if (containsId(dead, a.id())) {
        failed++;
      }
      if (received > 1) {
        twice++;
      }
    }
    return new Row("purchase → backend", n, delivered, failed, n - delivered - failed, twice, 0);
  }

  private Row acknowledgements(List<Accepted> accepted, List<String> dead) {
    long n = 0, delivered = 0, failed = 0, twice = 0;
    for (Accepted a : accepted) {
      if (a.flow() != Flow.PURCHASE) {
        continue;
      }
      n++;
      int received = fakes.acknowledgementsFor(a.token());
      if (received > 0) {
        delivered++;
      } else if (containsId(dead, a.id()) || containsId(dead, a.token())) {
        failed++;
      }
      if (received > 1) {
        twice++;
      }
    }
    return new Row("purchase → Google acknowledge", n, delivered, failed, n - delivered - failed, twice, 0);
  }

  private static boolean containsId(List<String> payloads, String id) {
    for (String p : payloads) {
      if (p.contains(id)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> assistanceStatus(Connection db, List<Accepted> accepted) throws SQLException {
    Map<String, String> status = new HashMap<>();
    List<String> ids = accepted.stream().filter(a -> a.flow() == Flow.ASSISTANCE).map(Accepted::id).toList();
    for (int from = 0; from < ids.size(); from += 5000) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 5000));
      try (PreparedStatement q = db.prepareStatement("SELECT id::text, status FROM assistance_request WHERE id = ANY(?::uuid[])")) {
        q.setArray(1, db.createArrayOf("text", chunk.toArray()));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            status.put(rs.getString(1), rs.getString(2));
          }
        }
      }
    }
    return status;
  }

  /** Payload, headers and dedupe key of every dead job: few, and enough to find the request or purchase they carry. */
  private static List<String> deadPayloads(Connection db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement q = db.prepareStatement(
        "SELECT payload::text || coalesce(dedupe_key, '') || coalesce(job_key, '') FROM job WHERE state = 'dead'");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** Rows as a Markdown table body. */
  public static String markdown(List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append("| flow | accepted | delivered | failed | lost | delivered twice | marked delivered, never sent |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      out.append("| ").append(r.flow()).append(" | ").append(r.accepted()).append(" | ").append(r.delivered()).append(" | ")
          .append(r.failed()).append(" | ").append(r.lost()).append(" | ").append(r.deliveredTwice()).append(" | ")
          .append(r.completedWithoutSend()).append(" |\n");
    }
    return out.toString();
  }

  static Map<String, Long> totals(List<Row> rows) {
    Map<String, Long> t = new LinkedHashMap<>();
    t.put("lost", rows.stream().mapToLong(Row::lost).sum());
    t.put("twice", rows.stream().mapToLong(Row::deliveredTwice).sum());
    return t;
  }
}
