package dev.relaybox.adapters.http.shared;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors (a bad URI or header character, a URI or headers too long, an unknown HTTP version, a body that
 * is malformed or too slow) as problem+json with the security headers, instead of Jetty's HTML page. The detail is
 * chosen by status, never Jetty's reason text, which can name the library's internals.
 */
final class ProblemErrorHandler extends ErrorHandler {
  private final ObjectMapper json;
  private final Map<String, String> securityHeaders;

  ProblemErrorHandler(ObjectMapper json, Map<String, String> securityHeaders) {
    this.json = json;
    this.securityHeaders = Map.copyOf(securityHeaders);
  }

  static Problem problemFor(int status) {
    return switch (status) {
      case 400 -> Problem.of(400, "bad-request", "Bad request",
          "the request is malformed (request line, header, URI or body framing)");
      case 505 -> Problem.of(505, "http-version-not-supported", "HTTP version not supported",
          "unsupported HTTP version; only HTTP/1.1 and HTTP/1.0 are served");
      case 408 -> Problem.of(408, "request-timeout", "Request timeout",
          "the request (headers and body) did not arrive in time; send it at once");
      case 413 -> Problem.of(413, "content-too-large", "Content too large", "the request body is too large");
      case 414 -> Problem.of(414, "uri-too-long", "URI too long", "the request URI is too long");
      case 431 -> Problem.of(431, "headers-too-large", "Request header fields too large",
          "the request headers are too large");
      case 415 -> HttpServer.unsupportedCharset();
      case 426 -> Problem.of(426, "upgrade-required", "Upgrade required",
          "only HTTP/1.1 and HTTP/1.0 are served on this port; send the request as HTTP/1.1");
      // Jetty's own 503 (stopping), and the gate's answer to a connection past its address's cap.
      case 503 -> Problem.of(503, "overloaded", "Service unavailable",
          "this node cannot take the request now (it is stopping, or your address holds too many open connections); "
              + "retry shortly, reusing kept-alive connections");
      case 501 -> Problem.of(501, "not-implemented", "Not implemented", "the request uses a feature this server does not implement");
      default -> status >= 500
          ? Problem.of(status, "internal-error", "Internal server error", "something went wrong on our side")
          : Problem.of(status, "http-" + status, "HTTP " + status, "the request failed with status " + status);
    };
  }

  private byte[] body(Problem problem, String path, String requestId) {
    try {
      return json.writeValueAsBytes(problem.at(path, requestId));
    } catch (JsonProcessingException e) {
      return ("{\"status\":" + problem.status() + "}").getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * Jetty writes an error body only for GET, POST and HEAD; a DELETE, PUT, PATCH or OPTIONS with a bad URI got a bare
   * 400 without problem or security headers. Every method gets the problem.
   */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  /** Errors found while parsing, before any request exists: the answer is built from these bytes and fields. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    securityHeaders.forEach(fields::put);
    fields.put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
    String requestId = java.util.UUID.randomUUID().toString();
    fields.put(RequestIds.HEADER, requestId);
    return ByteBuffer.wrap(body(problemFor(status), null, requestId));
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    Problem problem = problemFor(code);
    if (code == 505 && !response.isCommitted()) {
      // A request line naming an unknown HTTP version is bad input: a 4xx, never a 5xx.
      response.setStatus(400);
      problem = Problem.of(400, "http-version-not-supported", "Unsupported HTTP version",
          "unsupported HTTP version; only HTTP/1.1 and HTTP/1.0 are served");
    }
    HttpFields.Mutable headers = response.getHeaders();
    if (code == 415 && !WholeBodyGate.identityCoded(request.getHeaders().get(HttpHeader.CONTENT_ENCODING))) {
      headers.put(HttpHeader.ACCEPT_ENCODING, "identity");
      problem = Problem.of(415, "unsupported-content-encoding", "Unsupported content encoding",
          "request bodies are read as sent: send them without a Content-Encoding (identity)");
    }
    if (code == 503 && !headers.contains(HttpHeader.RETRY_AFTER)) {
      headers.put(HttpHeader.RETRY_AFTER, "1");
    }
    securityHeaders.forEach(headers::put);
    headers.put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
    String requestId = RequestIds.acceptable(request.getHeaders().get(RequestIds.HEADER))
        .orElseGet(() -> java.util.UUID.randomUUID().toString());
    headers.put(RequestIds.HEADER, requestId);
    response.write(true, ByteBuffer.wrap(body(problem, knownPath(request), requestId)), callback);
  }

  /** Jetty names a request it could not parse {@code /badMessage}; that is no path the client sent. */
  private static String knownPath(Request request) {
    String path = Request.getPathInContext(request);
    return path == null || path.equals("/badMessage") ? null : path;
  }
}
