package dev.relaybox.adapters.http.shared;

/** A route the server registered: HTTP method (upper case) and path pattern as written, e.g. {@code /admin/jobs/{id}}. */
public record RouteInfo(String method, String path) {}
