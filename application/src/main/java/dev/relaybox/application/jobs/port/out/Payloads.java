package dev.relaybox.application.jobs.port.out;

/**
 * Writes the JSON documents the engine stores (outbox event data, job payloads) and reads job payloads back as
 * records. Use cases hand over records and maps, never JSON text they assembled themselves.
 */
public interface Payloads {

  /** A record, a map, a list or a scalar as one JSON document; record components in declaration order. */
  String write(Object document);

  /**
   * The payload as a record of {@code type}: fields it does not name are ignored (a payload written by a newer
   * version), components it lacks are {@code null}.
   *
   * @throws IllegalArgumentException when {@code json} is not JSON or does not fit {@code type}
   */
  <T extends Record> T read(String json, Class<T> type);
}
