package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * services.txt is the one list of the shop's services that scripts, benchmarks and these tests
 * read. Maven, the deployment and the gateway keep their own lists for their own tools; this test
 * makes them follow it, so a service added to services.txt and forgotten elsewhere fails here
 * rather than in a stack that starts without it.
 */
class ServiceListTest {

    static final Path ROOT = Path.of("..");
    final List<String> services = ServiceList.names();

    @Test
    void scriptsReadTheSameServicesAsTheseTests() throws Exception {
        Process script = new ProcessBuilder(ROOT.resolve("scripts/services.sh").toString()).start();
        String printed = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor()).isZero();
        assertThat(printed.lines().toList()).isEqualTo(services).contains("catalog", "billing");
    }

    @Test
    void mavenBuildsEveryServiceAndNoOther() throws IOException {
        assertThat(all("<module>services/([a-z-]+)</module>", read("pom.xml")))
                .containsExactlyInAnyOrderElementsOf(services);
        String systemTests = read("system-tests/pom.xml");
        assertThat(all("<artifactId>([a-z-]+)</artifactId>", systemTests)).containsAll(services);
    }

    @Test
    void theDeploymentRunsEveryServiceAndGivesEachItsDatabase() throws IOException {
        String fig = read("fig.yml");
        assertThat(all("(?m)^  ([a-z-]+):$", fig)).containsAll(services);
        assertThat(Arrays.asList(one("SHOP_DATABASES: (.+)", fig).split(" "))).isEqualTo(services);
    }

    /** Through ./fig itself, as a developer runs it: its launcher (unpacked jar, CDS archive) works on a fresh clone. */
    @Test
    void figReadsEveryServiceFromTheDeployment() throws Exception {
        Process fig = new ProcessBuilder("./fig", "config", "--services").directory(ROOT.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String printed = new String(fig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(fig.waitFor()).as(printed).isZero();
        assertThat(printed.lines().toList()).containsAll(services).contains("postgres", "rabbitmq", "registry", "gateway");
    }

    @Test
    void theGatewayRoutesToEveryService() throws IOException {
        String routes = one("services: \\[(.+)]", read("gateway/src/main/resources/application.yml"));
        assertThat(Arrays.asList(routes.split(", "))).containsExactlyInAnyOrderElementsOf(services);
    }

    private static String read(String file) throws IOException {
        return Files.readString(ROOT.resolve(file));
    }

    private static List<String> all(String regex, String text) {
        return Pattern.compile(regex).matcher(text).results().map(match -> match.group(1)).toList();
    }

    private static String one(String regex, String text) {
        Matcher match = Pattern.compile(regex).matcher(text);
        assertThat(match.find()).as("%s in the file", regex).isTrue();
        return match.group(1).strip();
    }
}
