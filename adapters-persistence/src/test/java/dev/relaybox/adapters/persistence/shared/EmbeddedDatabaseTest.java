package dev.relaybox.adapters.persistence.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

  @Test
  void keepsDataAcrossRestartsOnTheSameDirectory(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("postgres");
    try (EmbeddedDatabase first = EmbeddedDatabase.start(data);
         Connection c = first.target().connect("test");
         var s = c.createStatement()) {
      s.execute("CREATE TABLE survivor (name text)");
      s.execute("INSERT INTO survivor VALUES ('still here')");
    }
    assertTrue(Files.exists(data.resolve("PG_VERSION")), "data directory should hold a cluster");

    try (EmbeddedDatabase second = EmbeddedDatabase.start(data);
         Connection c = second.target().connect("test");
         var s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT name, current_setting('server_version_num')::int AS version,"
             + " current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync FROM survivor")) {
      assertTrue(rs.next());
      assertEquals("on", rs.getString("fsync"), "the development database must survive an OS crash too");
      assertEquals("on", rs.getString("sync"));
      assertEquals("still here", rs.getString("name"));
      assertTrue(rs.getInt("version") >= 160000, "PostgreSQL 16 or newer");
    }
  }

  @Test
  void refusesConnectionsWithoutThePasswordKeptInTheDataDirectory(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("postgres");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
      Path secret = data.resolve(EmbeddedDatabase.SECRET_FILE);
      assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(secret));
      assertEquals(Files.readString(secret).strip(), db.target().password().orElseThrow());
      assertRefused(db.port(), Optional.empty());
      assertRefused(db.port(), Optional.of("wrong-password"));
      try (Connection c = db.target().connect("test"); var s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT current_setting('listen_addresses')")) {
        assertTrue(rs.next());
        assertEquals("127.0.0.1", rs.getString(1));
      }
    }
  }

  @Test
  void aDataDirectoryCreatedWithoutAPasswordGetsOneOnItsFirstStart(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("postgres");
    try (EmbeddedPostgres legacy = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
         Connection c = legacy.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
      s.execute("CREATE TABLE survivor (name text)");
      s.execute("INSERT INTO survivor VALUES ('from before')");
    }
    assertFalse(Files.exists(data.resolve(EmbeddedDatabase.SECRET_FILE)));
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
      assertRefused(db.port(), Optional.empty());
      var properties = new Properties();
      properties.setProperty("user", "postgres");
      properties.setProperty("password", db.target().password().orElseThrow());
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres", properties);
           var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM survivor")) {
        assertTrue(rs.next());
        assertEquals("from before", rs.getString(1));
      }
    }
    try (EmbeddedDatabase again = EmbeddedDatabase.start(data); Connection c = again.target().connect("postgres")) {
      assertTrue(c.isValid(5));
      assertRefused(again.port(), Optional.empty());
    }
  }

  private static void assertRefused(int port, Optional<String> password) {
    var properties = new Properties();
    properties.setProperty("user", "postgres");
    password.ifPresent(p -> properties.setProperty("password", p));
    SQLException refused = assertThrows(SQLException.class,
        () -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties).close());
    assertTrue(refused.getSQLState() != null && (refused.getSQLState().equals("28P01") || refused.getSQLState().equals("08004")),
        refused.getSQLState() + " " + refused.getMessage());
  }
}
