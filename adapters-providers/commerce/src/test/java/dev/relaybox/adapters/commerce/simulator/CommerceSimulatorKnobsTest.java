package dev.relaybox.adapters.commerce.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CommerceSimulatorKnobsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private CommerceSimulator simulator;

  @BeforeEach
  void start() {
    simulator = CommerceSimulator.start("127.0.0.1", 0, Knobs.defaults(), new SplittableRandom(3));
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void puttingStockKnobsRestocksASkuAlreadySeen() throws Exception {
    put("/_simulator/knobs", "{\"defaultStock\":100,\"stock\":{\"OOS-9\":0}}");
    assertEquals(0, stateStock("OOS-9"));

    assertEquals(200, put("/_simulator/knobs", "{\"defaultStock\":100,\"stock\":{\"OOS-9\":5}}").statusCode());

    assertEquals(5, stateStock("OOS-9"));
    assertEquals(5, simulator.stockOf("OOS-9"));
  }

  private HttpResponse<String> put(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private int stateStock(String sku) throws Exception {
    var r = http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/_simulator/state")).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode state = JSON.readTree(r.body());
    return state.path("stock").path(sku).asInt(-1);
  }
}
