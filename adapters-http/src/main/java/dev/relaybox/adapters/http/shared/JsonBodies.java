package dev.relaybox.adapters.http.shared;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.javalin.http.Context;
import java.io.IOException;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reads a JSON request body into a request record, turning every way it can be wrong into a precise 4xx problem. */
public final class JsonBodies {
  /** Where Jackson starts talking about itself: its feature flags and its source-location note. */
  private static final List<String> LIBRARY_TAILS = List.of(": enable", " (start marker", " at [Source", "[Source");
  /** Class, package or feature names: {@code JsonReadFeature.X}, {@code java.lang}, back-quoted names. */
  private static final Pattern LIBRARY_WORDS = Pattern.compile(
      "`|Feature|[Jj]ackson|Constraints|Source:|\\b(?:com|java|javax|jdk|sun|org|io)\\.[a-z]|\\b[A-Z][A-Za-z0-9]*\\.[A-Za-z_]");

  /** A caller's field name is echoed in a problem only this long: the body limit alone would allow a 64 KiB name. */
  private static final int MAX_ECHOED_NAME = 100;

  private final ObjectMapper json;
  /**
   * Refuses a name given twice in one object while parsing, where the parser still knows which name and where: which
   * of two values a reader keeps differs between parsers, so a body that one filter in front of us reads one way
   * must not be stored as the other.
   */
  private final ObjectReader strictTrees;

  public JsonBodies(ObjectMapper json) {
    this.json = JsonSupport.forRequestBodies(json);
    // Trailing content is looked for here rather than by the mapper, which reports a second document as a type mismatch.
    this.strictTrees = this.json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  public <T> T read(Context ctx, Class<T> type) {
    requireJsonContentType(ctx);
    byte[] body = ctx.bodyAsBytes();
    if (strictUtf8(body).isBlank()) {
      throw ProblemException.badRequest("the request body is empty; send a JSON object");
    }
    try (JsonParser parser = strictTrees.createParser(body)) {
      JsonNode tree = readTree(parser);
      if (tree == null || !tree.isObject()) {
        throw ProblemException.badRequest("the request body must be a JSON object");
      }
      if (parser.nextToken() != null) {
        throw ProblemException.badRequest("the request body is not valid JSON: more follows the object; send one JSON object"
            + at(parser.currentTokenLocation()));
      }
      StorableInput.check(tree, "");
      return json.treeToValue(tree, type);
    } catch (StreamConstraintsException e) {
      throw ProblemException.badRequest("the request body is nested too deeply or holds a value that is too long");
    } catch (JsonParseException e) {
      if (e.getProcessor() instanceof JsonParser parser && isDuplicateName(e)) {
        throw ProblemException.invalid(fieldAt(parser.getParsingContext()), "appears more than once in its object; send each field once");
      }
      throw ProblemException.badRequest("the request body is not valid JSON: " + plain(e.getOriginalMessage()) + at(e.getLocation()));
    } catch (MismatchedInputException e) {
      throw ProblemException.invalid(path(e), expected(e.getTargetType()));
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause();
      String message = cause instanceof IllegalArgumentException && cause.getMessage() != null
          && !LIBRARY_WORDS.matcher(cause.getMessage()).find() ? cause.getMessage() : "is not valid";
      throw ProblemException.invalid(path(e), message);
    } catch (JsonProcessingException e) {
      throw ProblemException.badRequest("the request body is not valid JSON");
    } catch (IOException e) {
      throw ProblemException.badRequest("the request body could not be read");
    }
  }

  /**
   * The body as text, refusing what is not UTF-8: Jackson's byte parser reads an overlong form such as {@code C0 BC}
   * as {@code <} and a UTF-8-encoded surrogate as a character, so bytes that any filter in front of us sees as
   * something else would reach storage as markup or path separators.
   */
  private static String strictUtf8(byte[] body) {
    return StrictUtf8.decode(body).orElseThrow(() -> ProblemException.badRequest("the request body is not valid UTF-8"));
  }

  /**
   * Jackson's parse messages describe the problem and the character, which helps a caller; the parts that name the
   * library's own settings ("enable `JsonReadFeature...`", "[Source: ...]") are cut off, and a message that still names
   * a class, a package or a setting is replaced, so no detail leaks what the server runs on.
   */
  static String plain(String message) {
    String first = message == null ? "" : message.lines().findFirst().orElse("");
    for (String tail : LIBRARY_TAILS) {
      int at = first.indexOf(tail);
      if (at >= 0) {
        first = first.substring(0, at);
      }
    }
    first = first.strip();
    if (first.isEmpty() || LIBRARY_WORDS.matcher(first).find()) {
      return "the JSON is malformed";
    }
    return first.length() > 200 ? first.substring(0, 200) + "…" : first;
  }

  /** What a field of this Java type must be, in JSON's words. */
  static String expected(Class<?> type) {
    if (type == null) {
      return "has the wrong type or shape";
    }
    if (type == UUID.class) {
      return "must be a UUID string";
    }
    if (CharSequence.class.isAssignableFrom(type) || type.isEnum()) {
      return "must be a string";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class || type == Short.class
        || type == short.class || type == BigInteger.class) {
      return "must be a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
      return "must be a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "must be true or false";
    }
    if (Temporal.class.isAssignableFrom(type)) {
      return "must be a date-time string such as 2026-01-31T12:00:00Z";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "must be an array";
    }
    return "must be an object";
  }

  private static boolean isDuplicateName(JsonParseException e) {
    return e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field '");
  }

  private JsonNode readTree(JsonParser parser) throws IOException {
    try {
      return strictTrees.readTree(parser);
    } catch (NumberFormatException e) {
      // A number read exactly whose exponent does not fit in an int (1e-2147483649): the parser throws this bare,
      // not as one of its own exceptions.
      throw ProblemException.invalid(fieldAt(parser.getParsingContext()), StorableInput.OUT_OF_RANGE);
    }
  }

  /** The path of the name the parser stopped at, written as the other problems write fields ({@code lines[0].sku}). */
  private static String fieldAt(JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.addFirst("[" + c.getCurrentIndex() + "]");
      } else if (c.getCurrentName() != null) {
        String name = c.getCurrentName();
        parts.addFirst(name.length() > MAX_ECHOED_NAME ? name.substring(0, MAX_ECHOED_NAME) + "…" : name);
      }
    }
    return joined(List.copyOf(parts));
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 1 ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  static void requireJsonContentType(Context ctx) {
    String contentType = ctx.contentType();
    String[] parts = contentType == null ? new String[] {""} : contentType.split(";");
    String mediaType = parts[0].strip().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
      throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
          "send the body as application/json" + (contentType == null ? "" : ", not " + contentType)));
    }
    // JSON between systems is UTF-8 (RFC 8259) and the body is read as UTF-8 whatever is declared, so a body declared
    // as another charset would be stored as other text than its sender meant: it is refused instead.
    if (DeclaredCharsets.in(parts).stream().anyMatch(charset -> !charset.equals("utf-8") && !charset.equals("utf8"))) {
      throw new ProblemException(HttpServer.unsupportedCharset());
    }
  }

  private static String path(JsonMappingException e) {
    return joined(e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .toList());
  }

  /** Names and {@code [i]} indexes as a field path ({@code lines[0].sku}); the body itself is {@code body}. */
  private static String joined(List<String> parts) {
    StringBuilder path = new StringBuilder();
    for (String part : parts) {
      if (!path.isEmpty() && !part.startsWith("[")) {
        path.append('.');
      }
      path.append(part);
    }
    return path.isEmpty() ? "body" : path.toString();
  }
}
