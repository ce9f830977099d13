package dev.relaybox.adapters.commerce;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.application.order.port.out.CustomerDirectory;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code GET {base}/customers/{id}}: 200 known, 404 unknown, anything else no answer. */
public final class HttpCustomerDirectory implements CustomerDirectory {
  private final String base;
  private final GuardedHttp http;

  public HttpCustomerDirectory(URI base, CommerceSettings.Limits limits, ObjectMapper json) {
    this.base = Paths.trimmed(base);
    this.http = new GuardedHttp("customer directory", limits, json);
  }

  @Override
  public boolean exists(String customerId) {
    GuardedHttp.Answer answer = http.get(URI.create(base + "/customers/" + URLEncoder.encode(customerId, StandardCharsets.UTF_8)));
    return switch (answer.status()) {
      case 200 -> true;
      case 404 -> false;
      default -> throw http.unexpected(answer);
    };
  }

  public String circuitState() {
    return http.state();
  }
}
