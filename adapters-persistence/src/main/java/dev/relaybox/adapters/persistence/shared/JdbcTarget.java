package dev.relaybox.adapters.persistence.shared;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the database is. Accepts {@code jdbc:postgresql://…} as it is and {@code postgres://user:pass@host:port/db}
 * (the form most platforms hand out), moving the credentials out of the URL. {@link #toString()} never shows the
 * password.
 */
public record JdbcTarget(String jdbcUrl, Optional<String> user, Optional<String> password) {

  public JdbcTarget {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    user = user == null ? Optional.empty() : user;
    password = password == null ? Optional.empty() : password;
  }

  public static JdbcTarget parse(String databaseUrl) {
    String url = databaseUrl == null ? "" : databaseUrl.trim();
    if (url.startsWith("jdbc:postgresql:")) {
      return new JdbcTarget(url, Optional.empty(), Optional.empty());
    }
    if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("DATABASE_URL is not a valid URL: " + redact(url));
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("DATABASE_URL has no host: " + redact(url));
      }
      String database = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "postgres" : uri.getRawPath().substring(1);
      String port = uri.getPort() == -1 ? "5432" : Integer.toString(uri.getPort());
      String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
      Optional<String> user = Optional.empty();
      Optional<String> password = Optional.empty();
      if (uri.getRawUserInfo() != null) {
        String[] parts = uri.getRawUserInfo().split(":", 2);
        user = Optional.of(decode(parts[0]));
        if (parts.length == 2) {
          password = Optional.of(decode(parts[1]));
        }
      }
      return new JdbcTarget("jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + database + query, user, password);
    }
    throw new IllegalArgumentException("DATABASE_URL must start with jdbc:postgresql://, postgres:// or postgresql://, got " + redact(url));
  }

  /** A fresh connection outside any pool, for LISTEN and for administrative statements. */
  public Connection connect(String applicationName) throws SQLException {
    Properties props = new Properties();
    user.ifPresent(u -> props.setProperty("user", u));
    password.ifPresent(p -> props.setProperty("password", p));
    props.setProperty("ApplicationName", applicationName);
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(jdbcUrl, props);
  }

  public JdbcTarget withDatabase(String database) {
    int slash = jdbcUrl.indexOf('/', "jdbc:postgresql://".length());
    int query = jdbcUrl.indexOf('?');
    String base = slash < 0 ? jdbcUrl : jdbcUrl.substring(0, slash);
    String params = query < 0 ? "" : jdbcUrl.substring(query);
    return new JdbcTarget(base + "/" + database + params, user, password);
  }

  @Override
  public String toString() {
    return "JdbcTarget[" + redact(jdbcUrl) + ", user=" + user.orElse("(default)") + ", password=" + (password.isPresent() ? "***" : "(none)") + "]";
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String redact(String url) {
    return url.replaceAll("(?i)(://[^:/@]*:)[^@]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
