package dev.relaybox.adapters.persistence.shared;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Runs one statement of the per-request hot path on a Jdbi handle's own JDBC connection, inside whatever transaction
 * the handle has open. Jdbi copies its whole configuration for every statement and looks up an argument factory for
 * every bound value; in a JFR profile of the jar at 1,000 requests/s that overhead was about a fifth of its Java CPU,
 * most of it in the handful of statements every request runs (its two intake inserts, the group commit's first
 * statement, the delivery's read and its delivered mark). Those go through here; everything else stays on Jdbi.
 *
 * <p>Parameters are positional. An {@link Instant} is sent as a {@code timestamptz}; a {@code UUID[]} or {@code Long[]}
 * as an array; a {@code null} as a value of unspecified type, which PostgreSQL infers from the statement. A failure is a
 * {@link StatementFailedException} whose cause is the driver's {@link SQLException}, so callers that read the SQLSTATE
 * off the cause chain see it as before.
 */
public final class JdbcStatements {
  private JdbcStatements() {}

  /** Reads one row of a result set. */
  @FunctionalInterface
  public interface RowReader<T> {
    T read(ResultSet row) throws SQLException;
  }

  /** Runs an INSERT, UPDATE or DELETE; the number of rows it changed. */
  public static int update(Handle handle, String sql, Object... parameters) {
    try (PreparedStatement statement = prepare(handle.getConnection(), sql, parameters)) {
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new StatementFailedException(sql, e);
    }
  }

  /** The first row of a query, read by {@code reader}; empty when there is none. */
  public static <T> Optional<T> queryFirst(Handle handle, String sql, RowReader<T> reader, Object... parameters) {
    try (PreparedStatement statement = prepare(handle.getConnection(), sql, parameters);
         ResultSet rows = statement.executeQuery()) {
      return rows.next() ? Optional.of(reader.read(rows)) : Optional.empty();
    } catch (SQLException e) {
      throw new StatementFailedException(sql, e);
    }
  }

  /** Runs a query and hands every row to {@code reader}. */
  public static void queryEach(Handle handle, String sql, RowReader<?> reader, Object... parameters) {
    try (PreparedStatement statement = prepare(handle.getConnection(), sql, parameters);
         ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        reader.read(rows);
      }
    } catch (SQLException e) {
      throw new StatementFailedException(sql, e);
    }
  }

  private static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    try {
      bind(statement, parameters);
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      Object value = switch (parameters[i]) {
        case Instant instant -> OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
        case UUID[] uuids -> statement.getConnection().createArrayOf("uuid", uuids);
        case Long[] longs -> statement.getConnection().createArrayOf("int8", longs);
        case null, default -> parameters[i];
      };
      statement.setObject(i + 1, value);
    }
  }

  static String firstLine(String sql) {
    String trimmed = sql.strip();
    int end = trimmed.indexOf('\n');
    return end < 0 ? trimmed : trimmed.substring(0, end);
  }

  /** A statement run through {@link JdbcStatements} failed; the cause is the driver's exception. */
  public static final class StatementFailedException extends RuntimeException {
    StatementFailedException(String sql, SQLException cause) {
      super("statement failed (" + cause.getSQLState() + "): " + firstLine(sql), cause);
    }
  }
}
