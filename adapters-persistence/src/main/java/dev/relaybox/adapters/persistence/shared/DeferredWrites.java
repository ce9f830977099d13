package dev.relaybox.adapters.persistence.shared;

import dev.relaybox.adapters.persistence.shared.JdbcStatements.RowReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The blind writes of one group-commit transaction (inserts and updates whose outcome no unit reads), held back and
 * sent before the next statement of any kind on the connection and before COMMIT. The transaction's {@link Opening}
 * query and every text written once go in one execution of the statements joined by {@code ;}, which the driver sends
 * as one pipeline of parse, bind and execute messages with one sync at its end; a text written several times goes as
 * one JDBC batch. In a profile of the jar at 1,000 requests/s the group commit's writer spent a third of its CPU in
 * the socket writes of its round trips to PostgreSQL: a batch of one unit (intake at low concurrency) sent four per
 * transaction (its opening, one per write text, the COMMIT) and now sends two.
 *
 * <p>Writes of the same text go together, in the order they were made; texts written once go first, in the order
 * they first appeared, then the others. Two writes of different texts may therefore reach the database in the
 * opposite order from the one they were made in: a deferred write must not depend on another deferred write of the
 * same transaction (they touch different rows, as a new request's insert and its outbox event do).
 */
final class DeferredWrites {
  private final Map<String, List<Object[]>> bySql = new LinkedHashMap<>();
  private final Opening<?> opening;

  /** Writes sent in the round trip of the transaction's first statement, after {@code opening}. */
  DeferredWrites(Opening<?> opening) {
    this.opening = opening;
  }

  void add(String sql, Object... parameters) {
    bySql.computeIfAbsent(oneStatement(sql), s -> new ArrayList<>()).add(parameters.clone());
  }

  /** The text without a trailing {@code ;}, so joining texts never makes an empty statement. */
  private static String oneStatement(String sql) {
    String text = sql.strip();
    return text.endsWith(";") ? text.substring(0, text.length() - 1).strip() : text;
  }

  /**
   * Sends the opening (unless sent) and every held write on {@code connection}; none held afterwards, whether or not
   * it failed. The opening and every text written once go together in one execution; a text written more than once
   * goes as one JDBC batch of its own (one round trip each). So the joined text holds each text at most once and takes
   * few shapes: the driver keeps a server-side prepared statement per shape and connection, and joining every row
   * would have made one shape per batch size (in a lab run, four times the memory per PostgreSQL backend).
   */
  void flush(Connection connection) {
    boolean opens = !opening.sent;
    if (bySql.isEmpty() && !opens) {
      return;
    }
    List<Map.Entry<String, List<Object[]>>> held = new ArrayList<>(bySql.entrySet());
    bySql.clear();
    opening.sent = true;
    StringBuilder together = new StringBuilder(opens ? opening.sql : "");
    List<Object> parameters = new ArrayList<>(opens ? List.of(opening.parameters) : List.of());
    int writes = 0;
    for (Map.Entry<String, List<Object[]>> text : held) {
      if (text.getValue().size() == 1) {
        together.append(together.isEmpty() ? "" : ";\n").append(text.getKey());
        parameters.addAll(List.of(text.getValue().getFirst()));
        writes++;
      }
    }
    if (!together.isEmpty()) {
      executeTogether(connection, together.toString(), parameters, opens, writes);
    }
    for (Map.Entry<String, List<Object[]>> text : held) {
      if (text.getValue().size() > 1) {
        executeBatch(connection, text.getKey(), text.getValue());
      }
    }
  }

  private void executeTogether(Connection connection, String sql, List<Object> parameters, boolean opens, int writes) {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      JdbcStatements.bind(statement, parameters.toArray());
      statement.execute();
      if (opens) {
        try (ResultSet row = statement.getResultSet()) {
          opening.readFirstRow(row);
        }
      }
    } catch (SQLException e) {
      throw new FlushFailedException(opens, writes, e);
    }
  }

  private static void executeBatch(Connection connection, String sql, List<Object[]> rows) {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (Object[] row : rows) {
        JdbcStatements.bind(statement, row);
        statement.addBatch();
      }
      statement.executeBatch();
    } catch (SQLException e) {
      throw new FlushFailedException(false, rows.size(), e);
    }
  }

  /**
   * A query a transaction needs before its first write, whose first row its owner reads once it has gone (with the
   * first held writes, or before the first statement a unit runs itself).
   */
  static final class Opening<T> {
    private final String sql;
    private final Object[] parameters;
    private final RowReader<T> reader;
    private boolean sent;
    private boolean read;
    private T row;

    Opening(String sql, RowReader<T> reader, Object... parameters) {
      this.sql = oneStatement(sql);
      this.reader = reader;
      this.parameters = parameters.clone();
    }

    /** The opening's first row; only once a flush has sent it and it succeeded. */
    T row() {
      if (!read) {
        throw new IllegalStateException("the opening query has not run");
      }
      return row;
    }

    private void readFirstRow(ResultSet rows) throws SQLException {
      if (rows == null || !rows.next()) {
        throw new SQLException("the opening query returned no row");
      }
      row = reader.read(rows);
      read = true;
    }
  }

  /**
   * A held write (or the opening sent with them) failed, possibly while another unit of the transaction ran, so which
   * unit it belonged to is unknown. The cause is the driver's exception (its SQLSTATE is on the cause chain).
   */
  static final class FlushFailedException extends RuntimeException {
    FlushFailedException(boolean withOpening, int writes, SQLException cause) {
      super(writes + " deferred write(s)" + (withOpening ? " and the transaction's opening query" : "") + " failed ("
          + cause.getSQLState() + ")", cause);
    }
  }
}
