package shop.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The shop's domain services as services.txt, at the repository's root, lists them. */
final class ServiceList {

    static final Path FILE = Path.of("..", "services.txt");

    private ServiceList() {
    }

    /** In the file's order; comments and blank lines left out, as scripts/services.sh does. */
    static List<String> names() {
        try {
            return Files.readAllLines(FILE).stream()
                    .map(line -> line.replaceFirst("#.*", "").strip())
                    .filter(name -> !name.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("read the service list " + FILE.toAbsolutePath().normalize(), e);
        }
    }
}
