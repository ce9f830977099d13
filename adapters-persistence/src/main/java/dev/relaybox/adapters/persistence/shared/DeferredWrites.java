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
 * sent before the next statement of any kind on the connection and before COMMIT, all of them in one round trip: one
 * execution of the statements joined by {@code ;}, which the driver sends as one pipeline of parse, bind and execute
 * messages with one sync at its end. The transaction's {@link Opening} query goes first in the same round trip. In a
 * profile of the jar at 1,000 requests/s the group commit's writer spent a third of its CPU in the socket writes of its
 * round trips to PostgreSQL, and sent four per transaction (its opening, one per write text, the COMMIT); now two.
 *
 * <p>Writes of the same text go together, in the order they were made; texts go in the order they first appeared (so
 * the joined text takes few shapes and the driver's statement cache keeps them prepared). Two writes of different
 * texts may therefore reach the database in the opposite order from the one they were made in: a deferred write must
 * not depend on another deferred write of the same transaction (they touch different rows, as a new request's insert
 * and its outbox event do).
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

  /** Sends the opening (unless sent) and every held write on {@code connection}; none held afterwards, whether or not it failed. */
  void flush(Connection connection) {
    boolean opens = !opening.sent;
    if (bySql.isEmpty() && !opens) {
      return;
    }
    StringBuilder sql = new StringBuilder();
    List<Object> parameters = new ArrayList<>();
    if (opens) {
      sql.append(opening.sql);
      parameters.addAll(List.of(opening.parameters));
    }
    int writes = 0;
    for (Map.Entry<String, List<Object[]>> text : bySql.entrySet()) {
      for (Object[] row : text.getValue()) {
        sql.append(sql.isEmpty() ? "" : ";\n").append(text.getKey());
        parameters.addAll(List.of(row));
        writes++;
      }
    }
    bySql.clear();
    opening.sent = true;
    try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
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
