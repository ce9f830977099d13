package dev.relaybox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The part of a Markdown file between two marker comments that a run rewrites in place; the text around it is written
 * by hand and kept. {@code header} starts the file when it does not exist yet.
 */
public record GeneratedBlock(String begin, String end, String header) {

  /** Replaces the block in {@code file} with {@code content}, appending it when the file has no block yet. */
  public void writeInto(Path file, String content) throws IOException {
    String block = begin + "\n" + content + (content.endsWith("\n") ? "" : "\n") + end;
    String text;
    if (Files.exists(file)) {
      String old = Files.readString(file);
      int from = old.indexOf(begin);
      int to = old.indexOf(end);
      text = from >= 0 && to > from
          ? old.substring(0, from) + block + old.substring(to + end.length())
          : old.strip() + "\n\n" + block + "\n";
    } else {
      Files.createDirectories(file.toAbsolutePath().getParent());
      text = header + block + "\n";
    }
    Files.writeString(file, text);
  }

  /** The short commit of the checkout at {@code dir}, or "?" when git cannot tell. */
  public static String commitAt(Path dir) {
    try {
      Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").directory(dir.toFile()).start();
      String sha = new String(git.getInputStream().readAllBytes()).strip();
      return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? sha : "?";
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
