package dev.relaybox.adapters.persistence.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
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
}
