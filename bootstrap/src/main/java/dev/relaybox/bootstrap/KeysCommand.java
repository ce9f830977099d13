package dev.relaybox.bootstrap;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.auth.JdbiApiKeyStore;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.adapters.persistence.shared.Databases;
import dev.relaybox.adapters.persistence.shared.EmbeddedDatabase;
import dev.relaybox.adapters.persistence.shared.JdbcTarget;
import dev.relaybox.adapters.persistence.shared.Migrations;
import dev.relaybox.application.auth.ApiKeys;
import dev.relaybox.application.auth.ApiScope;
import dev.relaybox.application.auth.IssuedApiKey;
import dev.relaybox.domain.shared.TimeOrderedIds;
import dev.relaybox.domain.shared.ValidationException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code java -jar relaybox.jar keys create --scope admin|api --name <name>}: stores a new key's hash in the same
 * database the server uses ({@code DATABASE_URL}, or the embedded one in {@code RELAYBOX_DATA_DIR}, running or not)
 * and prints the key once. This is how a lost key is replaced: keys cannot be shown again.
 */
final class KeysCommand {
  static final String USAGE = "usage: java -jar relaybox.jar keys create --scope admin|api --name <name>";

  private KeysCommand() {}

  /** @return the process exit code */
  static int run(String[] args, RelayboxConfig config, PrintStream out, PrintStream err) {
    if (args.length < 2 || !args[1].equals("create")) {
      err.println(USAGE);
      return 2;
    }
    String scope = null;
    String name = null;
    for (int i = 2; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--scope" -> { scope = value; i++; }
        case "--name" -> { name = value; i++; }
        default -> {
          err.println("relaybox: unknown option '" + args[i] + "'\n" + USAGE);
          return 2;
        }
      }
    }
    ApiScope parsed = switch (scope == null ? "" : scope.toLowerCase(Locale.ROOT)) {
      case "api" -> ApiScope.API;
      case "admin" -> ApiScope.ADMIN;
      default -> null;
    };
    if (parsed == null) {
      err.println("relaybox: --scope must be 'api' or 'admin'\n" + USAGE);
      return 2;
    }
    try {
      IssuedApiKey issued = create(config, parsed, name);
      out.printf("==== New API key '%s' (scope %s, id %s). It will not be shown again: ====%n%s%n"
          + "==== Use it as: Authorization: Bearer <key> ====%n", issued.name(), scope.toLowerCase(Locale.ROOT), issued.id(), issued.key());
      out.flush();
      return 0;
    } catch (ValidationException e) {
      err.println("relaybox: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      // An operator replacing a lost key needs the reason (database unreachable, wrong password), not a stack trace.
      err.println("relaybox: no key was created: " + deepestMessage(e));
      return 1;
    }
  }

  /** The first line of the innermost cause that says anything: the driver's reason, not the pool's wrapper. */
  private static String deepestMessage(Throwable failure) {
    String message = "the database could not be reached";
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage().lines().findFirst().orElseThrow();
      }
    }
    return message;
  }

  private static IssuedApiKey create(RelayboxConfig config, ApiScope scope, String name) {
    Optional<EmbeddedDatabase> started = Optional.empty();
    JdbcTarget target;
    if (config.databaseUrl().isPresent()) {
      target = JdbcTarget.parse(config.databaseUrl().get());
    } else {
      Path dataDir = config.dataDir().resolve("postgres");
      Optional<JdbcTarget> running = EmbeddedDatabase.running(dataDir);
      if (running.isPresent()) {
        target = running.get();
      } else {
        started = Optional.of(EmbeddedDatabase.start(dataDir));
        target = started.get().target();
      }
    }
    try (HikariDataSource pool = ConnectionPool.open(target, 2)) {
      Migrations.apply(pool);
      Clock clock = Clock.systemUTC();
      var store = new JdbiApiKeyStore(Databases.jdbi(pool), new TimeOrderedIds(clock, new SecureRandom()), clock);
      return new ApiKeys(store, new SecureRandom()).create(scope, name);
    } finally {
      started.ifPresent(EmbeddedDatabase::close);
    }
  }
}
