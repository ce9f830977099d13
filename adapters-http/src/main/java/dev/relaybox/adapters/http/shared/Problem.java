package dev.relaybox.adapters.http.shared;

import java.util.List;

/** An RFC 9457 problem details body; {@code errors} is null unless fields failed validation. */
public record Problem(String type, String title, int status, String detail, String instance, String requestId,
    List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "https://relaybox.dev/problems/";

  public record FieldError(String field, String message) {}

  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(TYPE_BASE + slug, title, status, detail, null, null, null);
  }

  public Problem withErrors(List<FieldError> value) {
    return new Problem(type, title, status, detail, instance, requestId, value);
  }

  public Problem at(String path, String id) {
    return new Problem(type, title, status, detail, path, id, errors);
  }
}
