package dev.relaybox.adapters.http.shared;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The registered route patterns, matched against a concrete path without Javalin: for requests refused before a
 * handler was matched (401, 405, 413), so that they still get their route's pattern as metrics label, and for the
 * {@code Allow} header of a 405.
 */
final class RoutePatterns {
  private record Compiled(RouteInfo route, Pattern regex, long literalSegments) {}

  private final List<Compiled> routes;

  RoutePatterns(List<RouteInfo> routes) {
    this.routes = routes.stream().map(r -> new Compiled(r, regex(r.path()), literalSegments(r.path()))).toList();
  }

  /** The most specific pattern matching {@code path} under any method (a literal segment beats a parameter). */
  Optional<String> patternOf(String path) {
    return routes.stream().filter(r -> r.regex().matcher(path).matches())
        .max(Comparator.comparingLong(Compiled::literalSegments))
        .map(r -> r.route().path());
  }

  /** Every method some route accepts at {@code path}, upper case and sorted. */
  Set<String> methodsAt(String path) {
    Set<String> methods = new TreeSet<>();
    routes.stream().filter(r -> r.regex().matcher(path).matches()).forEach(r -> methods.add(r.route().method()));
    return methods;
  }

  /** {@code /admin/jobs/{id}} → {@code /admin/jobs/[^/]+}; {@code <rest>} matches across slashes. */
  private static Pattern regex(String pattern) {
    StringBuilder regex = new StringBuilder();
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '{' || c == '<') {
        int end = pattern.indexOf(c == '{' ? '}' : '>', i);
        regex.append(c == '{' ? "[^/]+" : ".+");
        i = end + 1;
      } else {
        int next = nextParameter(pattern, i);
        regex.append(Pattern.quote(pattern.substring(i, next)));
        i = next;
      }
    }
    return Pattern.compile(regex + "/?");
  }

  private static int nextParameter(String pattern, int from) {
    for (int i = from; i < pattern.length(); i++) {
      if (pattern.charAt(i) == '{' || pattern.charAt(i) == '<') {
        return i;
      }
    }
    return pattern.length();
  }

  private static long literalSegments(String pattern) {
    return java.util.Arrays.stream(pattern.split("/")).filter(s -> !s.isEmpty() && !s.contains("{") && !s.contains("<")).count();
  }
}
