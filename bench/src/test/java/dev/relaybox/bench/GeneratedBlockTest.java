package dev.relaybox.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratedBlockTest {
  private static final GeneratedBlock FLEET = new GeneratedBlock("<!-- fleet:begin -->", "<!-- fleet:end -->", "# Benchmarks\n\n");

  @TempDir
  Path dir;

  @Test
  void aRunReplacesOnlyItsBlockAndKeepsTheNotesAroundIt() throws IOException {
    Path doc = dir.resolve("benchmarks.md");
    Files.writeString(doc, "# Benchmarks\n\nintro\n\n<!-- fleet:begin -->\n| old |\n<!-- fleet:end -->\n\nnotes by hand\n");

    FLEET.writeInto(doc, "| new |\n");

    assertEquals("# Benchmarks\n\nintro\n\n<!-- fleet:begin -->\n| new |\n<!-- fleet:end -->\n\nnotes by hand\n",
        Files.readString(doc));
  }

  @Test
  void aFileWithoutTheBlockGetsItAppended() throws IOException {
    Path doc = dir.resolve("benchmarks.md");
    Files.writeString(doc, "# Benchmarks\n\nother runs\n\n");

    FLEET.writeInto(doc, "| first |");

    assertEquals("# Benchmarks\n\nother runs\n\n<!-- fleet:begin -->\n| first |\n<!-- fleet:end -->\n", Files.readString(doc));
  }

  @Test
  void aMissingFileIsCreatedWithItsHeader() throws IOException {
    Path doc = dir.resolve("docs/benchmarks.md");

    FLEET.writeInto(doc, "| first |\n");

    assertEquals("# Benchmarks\n\n<!-- fleet:begin -->\n| first |\n<!-- fleet:end -->\n", Files.readString(doc));
  }
}
