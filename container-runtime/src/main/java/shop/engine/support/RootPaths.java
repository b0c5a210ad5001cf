package shop.engine.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves a path inside a root filesystem the way the container would see it: symlinks are
 * followed, but an absolute target restarts at the root and {@code ..} stops at the root, so
 * the result never leaves it (an image's {@code /x -> /etc} must not reach the host's /etc).
 */
public final class RootPaths {

    private static final int MAX_LINKS = 255;

    private RootPaths() {
    }

    public static Path resolve(Path root, String path) {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, path);
        Path current = root;
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.equals(root) ? root : current.getParent();
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++links > MAX_LINKS) {
                    throw EngineException.invalid("too many levels of symbolic links resolving " + path);
                }
                String target;
                try {
                    target = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    throw EngineException.failed("read link " + next + ": " + e.getMessage(), e);
                }
                if (target.startsWith("/")) {
                    current = root;
                }
                push(todo, target);
                continue;
            }
            current = next;
        }
        return current;
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }
}
