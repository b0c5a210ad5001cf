package shop.engine.dockerfile;

import java.util.List;
import java.util.Map;

/**
 * One Dockerfile instruction as written: its keyword (upper case), its {@code --flags}, its
 * arguments (JSON-array form already decoded, or the raw text for the shell form), and the line
 * it starts on, for error messages.
 */
public record Instruction(String keyword, Map<String, String> flags, String text, List<String> json, int line,
                          String original) {

    public boolean isJson() {
        return json != null;
    }
}
