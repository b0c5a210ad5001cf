package shop.engine.dockerfile;

import java.util.List;

/** A parsed Dockerfile: its escape character (from {@code # escape=}) and its instructions. */
public record Dockerfile(String file, char escape, List<Instruction> instructions) {
}
