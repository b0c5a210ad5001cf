package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fingerprint fig rebuilds on: it moves with what the image is made of, and with nothing else. */
class BuildInputsTest {

    @TempDir
    Path context;

    private String fingerprint(String dockerfile, Map<String, String> args) throws Exception {
        Files.writeString(context.resolve("Dockerfile"), dockerfile);
        return BuildInputs.fingerprint(new ServiceSpec.Build(context, "Dockerfile", args));
    }

    @Test
    void aCopiedFileMovesItAndAnyOtherFileDoesNot() throws Exception {
        Files.createDirectories(context.resolve("target/classes"));
        Files.writeString(context.resolve("target/app.jar"), "v1");
        String dockerfile = "FROM base\nCOPY target/app.jar app.jar\nCOPY --from=base /etc/hosts /hosts\n";
        String first = fingerprint(dockerfile, Map.of());

        Files.writeString(context.resolve("target/classes/Report.txt"), "a test ran");
        assertThat(fingerprint(dockerfile, Map.of())).as("a file the Dockerfile never copies").isEqualTo(first);

        Files.writeString(context.resolve("target/app.jar"), "v2");
        assertThat(fingerprint(dockerfile, Map.of())).as("the copied jar changed").isNotEqualTo(first);
    }

    @Test
    void theDockerfileItsArgsAndEveryFileOfACopiedFolderCount() throws Exception {
        Files.createDirectories(context.resolve("conf/deep"));
        Files.writeString(context.resolve("conf/deep/app.yml"), "a: 1");
        String dockerfile = "FROM base\nCOPY [\"conf\", \"/etc/app\"]\n";
        String first = fingerprint(dockerfile, Map.of("BASE", "one"));

        assertThat(fingerprint(dockerfile, Map.of("BASE", "two"))).as("another build arg").isNotEqualTo(first);
        assertThat(fingerprint(dockerfile + "USER app\n", Map.of("BASE", "one"))).as("another Dockerfile").isNotEqualTo(first);
        Files.writeString(context.resolve("conf/deep/app.yml"), "a: 2");
        assertThat(fingerprint(dockerfile, Map.of("BASE", "one"))).as("a file deep in a copied folder").isNotEqualTo(first);
    }

    @Test
    void aGlobOrAVariableTakesTheWholeContext() throws Exception {
        Files.writeString(context.resolve("a.txt"), "1");
        String dockerfile = "FROM base\nARG NAME=a\nCOPY ${NAME}.txt /\nADD *.md /docs/\n";
        String first = fingerprint(dockerfile, Map.of());

        Files.writeString(context.resolve("b.txt"), "2");
        assertThat(fingerprint(dockerfile, Map.of())).isNotEqualTo(first);
    }
}
