package dev.relaybox.bootstrap;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The optional configuration file named by {@code RELAYBOX_CONFIG_FILE}: a properties file whose keys are the same
 * variable names (handy for long routing tables). Environment variables win over the file.
 */
final class ConfigFile {
  private ConfigFile() {}

  static Map<String, String> mergedWith(Map<String, String> environment) {
    String file = environment.get("RELAYBOX_CONFIG_FILE");
    if (file == null || file.isBlank()) {
      return environment;
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(Path.of(file.strip()))) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("RELAYBOX_CONFIG_FILE " + file + " cannot be read: " + e.getMessage());
    }
    Map<String, String> merged = new HashMap<>();
    properties.stringPropertyNames().forEach(name -> merged.put(name, properties.getProperty(name)));
    merged.putAll(environment);
    return merged;
  }
}
