package dev.relaybox.adapters.http.shared;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.Instant;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON rules of the API: ISO-8601 times within years 0001-9999 (PostgreSQL's {@code timestamptz} ends in 294276,
 * and a date that far out is a mistake or a probe); no silent coercion of a number or boolean into a string field; and
 * every field of a response is always present, a value that does not exist being {@code null} (never omitted), as the
 * OpenAPI schemas say with {@code required} on every property (see adapters-http/README.md).
 */
public final class JsonSupport {
  private JsonSupport() {}

  public static ObjectMapper mapper() {
    ObjectMapper mapper = JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(new SimpleModule("relaybox-bounded-instants").addDeserializer(Instant.class, new BoundedInstantDeserializer()))
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS))
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();
    // A whole-number field (an amount in minor units, a limit) never silently drops a fraction: 1.5 or 1e2 is refused.
    mapper.coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }

  /**
   * The mapper for what callers send: {@code base} where an instant must be written as text, and a number with a
   * fraction or an exponent is read exactly. The base mapper reads a number as epoch seconds, which stored payloads
   * never hold but a caller's {@code "since": 12345} would become 1970-01-01T03:25:45Z and act on it; and it reads
   * such a number as a {@code double}, so free-form JSON kept as sent ({@code metadata}) was stored rounded
   * (1733443200.123456789 as 1733443200.1234567) and two different numbers were one to the idempotency check.
   */
  static ObjectMapper forRequestBodies(ObjectMapper base) {
    ObjectMapper mapper = base.copy().registerModule(new SimpleModule("relaybox-request-instants")
        .addDeserializer(Instant.class, new TextInstantDeserializer()));
    mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    return mapper;
  }

  /** {@link BoundedInstantDeserializer} for a JSON string only. */
  static final class TextInstantDeserializer extends StdDeserializer<Instant> {
    private static final long serialVersionUID = 1L;
    private final BoundedInstantDeserializer bounded = new BoundedInstantDeserializer();

    TextInstantDeserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (!parser.hasToken(JsonToken.VALUE_STRING)) {
        return (Instant) context.handleUnexpectedToken(Instant.class, parser);
      }
      return bounded.deserialize(parser, context);
    }
  }

  /** Java's {@link Instant} parsing, refusing instants outside 0001-01-01 .. 9999-12-31 (UTC). */
  static final class BoundedInstantDeserializer extends StdDeserializer<Instant> {
    private static final long serialVersionUID = 1L;
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    BoundedInstantDeserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      Instant value = InstantDeserializer.INSTANT.deserialize(parser, context);
      if (value != null && (value.isBefore(EARLIEST) || value.isAfter(LATEST))) {
        throw JsonMappingException.from(parser, "instant out of range",
            new IllegalArgumentException("is outside the supported range of dates (years 0001 to 9999)"));
      }
      return value;
    }
  }
}
