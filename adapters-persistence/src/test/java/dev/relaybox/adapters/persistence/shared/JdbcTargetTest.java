package dev.relaybox.adapters.persistence.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class JdbcTargetTest {

  @Test
  void turnsAPlatformStyleUrlIntoJdbcWithCredentialsMovedOut() {
    JdbcTarget target = JdbcTarget.parse("postgres://app:s%40cret@db.internal:6543/relay?sslmode=require");

    assertEquals("jdbc:postgresql://db.internal:6543/relay?sslmode=require", target.jdbcUrl());
    assertEquals(Optional.of("app"), target.user());
    assertEquals(Optional.of("s@cret"), target.password());
  }

  @Test
  void keepsAJdbcUrlAsItIs() {
    JdbcTarget target = JdbcTarget.parse("jdbc:postgresql://localhost:5432/relaybox?user=a&password=b");
    assertEquals("jdbc:postgresql://localhost:5432/relaybox?user=a&password=b", target.jdbcUrl());
  }

  @Test
  void defaultsThePortAndDatabase() {
    assertEquals("jdbc:postgresql://h:5432/postgres", JdbcTarget.parse("postgresql://h").jdbcUrl());
  }

  @Test
  void neverShowsThePasswordWhenPrinted() {
    String printed = JdbcTarget.parse("postgres://app:topsecret@db:5432/relay").toString()
        + JdbcTarget.parse("jdbc:postgresql://db/relay?password=topsecret").toString();
    assertFalse(printed.contains("topsecret"), printed);
    assertTrue(printed.contains("***"));
  }

  @Test
  void rejectsOtherSchemesWithAClearMessage() {
    var e = assertThrows(IllegalArgumentException.class, () -> JdbcTarget.parse("mysql://u:p@h/db"));
    assertTrue(e.getMessage().contains("DATABASE_URL must start with"));
    assertFalse(e.getMessage().contains(":p@"));
  }
}
