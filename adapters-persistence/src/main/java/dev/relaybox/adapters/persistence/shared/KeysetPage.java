package dev.relaybox.adapters.persistence.shared;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A page read with {@code LIMIT limit + 1}: the extra row only tells whether another page exists, and the last row
 * kept gives the cursor for it.
 */
public record KeysetPage<T, K>(List<T> rows, Optional<K> next) {

  public static <T, K> KeysetPage<T, K> of(List<T> fetched, int limit, Function<T, K> cursorOf) {
    if (fetched.size() <= limit) {
      return new KeysetPage<>(fetched, Optional.empty());
    }
    List<T> page = fetched.subList(0, limit);
    return new KeysetPage<>(page, Optional.of(cursorOf.apply(page.getLast())));
  }
}
