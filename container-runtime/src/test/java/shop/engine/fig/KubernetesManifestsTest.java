package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import shop.engine.cli.Main;
import shop.engine.support.Json;

/**
 * fig convert --to kubernetes: the repository's stack and a small one, each object checked against
 * the Kubernetes 1.27 schemas (src/test/resources/kubernetes), and what a user of the cluster
 * would notice: where data lives, when a pod is ready, where passwords are, how the shop is reached.
 */
class KubernetesManifestsTest {

    static final Path FIG_YML = Path.of("../fig.yml").toAbsolutePath().normalize();
    /** Draft 7, which the schemas are written in, plus OpenAPI's nullable, left unchecked: the manifests hold no nulls. */
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(
            Dialect.builder(Dialects.getDraft7()).keyword(new NonValidationKeyword("nullable")).build());
    private static final Map<String, Schema> BY_DEFINITION = new HashMap<>();
    private static ObjectNode definitions;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadSchemas() throws IOException {
        try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream("/kubernetes/definitions.json")) {
            definitions = (ObjectNode) Json.MAPPER.readTree(in).get("definitions");
        }
        rejectUnknownFields(definitions);
    }

    /** Upstream leaves additionalProperties open; a strict apply refuses unknown fields, and so does this test. */
    private static void rejectUnknownFields(JsonNode node) {
        if (node instanceof ObjectNode object && object.has("properties") && !object.has("additionalProperties")) {
            object.put("additionalProperties", false);
        }
        node.forEach(KubernetesManifestsTest::rejectUnknownFields);
    }

    /** The schema of an object's kind: {@code apps/v1} kinds are io.k8s.api.apps.v1.*, {@code v1} ones io.k8s.api.core.v1.*. */
    private static List<String> schemaErrors(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.replace('/', '.') : "core." + apiVersion;
        String definition = "io.k8s.api." + group + "." + object.path("kind").asText();
        assertThat(definitions.has(definition)).as("a schema for " + definition).isTrue();
        Schema schema = BY_DEFINITION.computeIfAbsent(definition, d -> {
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.set("definitions", definitions);
            root.putArray("allOf").addObject().put("$ref", "#/definitions/" + d);
            return SCHEMAS.getSchema(root);
        });
        return schema.validate(object).stream().map(Error::toString).toList();
    }

    /** The YAML as a user gets it, read back: what kubectl would send. */
    private static List<JsonNode> documents(String yaml) {
        return StreamSupport.stream(new Yaml().loadAll(yaml).spliterator(), false)
                .map(document -> (JsonNode) Json.MAPPER.valueToTree(document)).toList();
    }

    private static JsonNode find(List<JsonNode> objects, String kind, String name) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind) && o.at("/metadata/name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static void assertAllValid(List<JsonNode> objects) {
        for (JsonNode object : objects) {
            assertThat(schemaErrors(object)).as(object.path("kind").asText() + " " + object.at("/metadata/name").asText()).isEmpty();
        }
    }

    /** The shop's file as {@code fig convert} reads it: generating what is missing, here under {@code dir}. */
    private KubernetesManifests shop(Map<String, String> environment) {
        Map<String, String> withSecrets = new HashMap<>(environment);
        withSecrets.put("SHOP_SECRETS_DIR", dir.resolve("secrets").toString());
        return KubernetesManifests.of(FigFile.loadGeneratingSecrets(FIG_YML, "shop", List.of(), withSecrets).project());
    }

    private static String decode(JsonNode secret, String key) {
        return new String(Base64.getDecoder().decode(secret.at("/data/" + key).asText()), StandardCharsets.UTF_8);
    }

    // --- the repository's stack ---

    @Test
    void everyObjectOfTheShopIsValidForKubernetes() {
        KubernetesManifests manifests = shop(Map.of());
        List<JsonNode> objects = documents(manifests.yaml());

        assertAllValid(objects);
        assertThat(objects.stream().map(o -> o.path("kind").asText()).distinct())
                .containsExactlyInAnyOrder("Secret", "ConfigMap", "Service", "Deployment", "StatefulSet", "Pod");
        assertThat(manifests.warnings()).isEmpty();
    }

    @Test
    void postgresKeepsItsDataInAVolumeClaimAndGetsItsInitScriptFromAConfigMap() throws IOException {
        List<JsonNode> objects = documents(shop(Map.of()).yaml());

        JsonNode postgres = find(objects, "StatefulSet", "postgres");
        JsonNode claim = postgres.at("/spec/volumeClaimTemplates/0");
        assertThat(claim.at("/metadata/name").asText()).isEqualTo("postgres-data");
        assertThat(claim.at("/spec/accessModes/0").asText()).isEqualTo("ReadWriteOnce");
        assertThat(claim.at("/spec/resources/requests/storage").asText()).isEqualTo("1Gi");
        assertThat(postgres.at("/spec/serviceName").asText()).isEqualTo("postgres");
        JsonNode mounts = postgres.at("/spec/template/spec/containers/0/volumeMounts");
        assertThat(mounts.findValuesAsText("mountPath"))
                .containsExactly("/var/lib/postgresql/data", "/docker-entrypoint-initdb.d/10-databases.sh");
        // Clients reach it as POSTGRES_HOST=postgres: the headless Service resolves that name to the pod.
        JsonNode service = find(objects, "Service", "postgres");
        assertThat(service.at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(service.at("/spec/selector")).isEqualTo(postgres.at("/spec/template/metadata/labels"));
        assertThat(find(objects, "StatefulSet", "rabbitmq").at("/spec/volumeClaimTemplates/0/metadata/name").asText())
                .isEqualTo("rabbitmq-data");

        JsonNode script = find(objects, "ConfigMap", "postgres-files");
        assertThat(script.at("/data/create-databases.sh").asText())
                .isEqualTo(Files.readString(FIG_YML.getParent().resolve("scripts/create-databases.sh")));
        JsonNode item = postgres.at("/spec/template/spec/volumes/0/configMap/items/0");
        assertThat(item.path("mode").asInt()).as("still executable").isEqualTo(0755);
    }

    @Test
    void catalogIsReadyOnlyOnceTheHealthcheckOfItsImagePasses() {
        JsonNode catalog = find(documents(shop(Map.of()).yaml()), "Deployment", "catalog").at("/spec/template/spec/containers/0");

        // fig.yml sets no healthcheck for catalog; its Dockerfile's HEALTHCHECK (10s, 3s, 3 retries, 60s start) is the one Docker runs.
        JsonNode readiness = catalog.path("readinessProbe");
        assertThat(readiness.at("/exec/command/0").asText()).isEqualTo("bash");
        assertThat(readiness.at("/exec/command/2").asText()).contains("/dev/tcp/127.0.0.1/8081", "/actuator/health");
        assertThat(readiness.path("periodSeconds").asInt()).isEqualTo(10);
        assertThat(readiness.path("timeoutSeconds").asInt()).isEqualTo(3);
        assertThat(readiness.path("failureThreshold").asInt()).isEqualTo(3);
        assertThat(catalog.path("livenessProbe")).isEqualTo(readiness);
        assertThat(catalog.at("/startupProbe/failureThreshold").asInt()).as("60 s of start, then 3 tries").isEqualTo(6 + 3);
        assertThat(catalog.at("/resources/limits/memory").asText()).isEqualTo("640Mi");
    }

    @Test
    void passwordsReachThePodsOnlyThroughTheSecret() {
        Map<String, String> environment = Map.of("POSTGRES_PASSWORD", "pg-Secret-1", "RABBITMQ_PASSWORD", "mq-Secret-2",
                "SHOP_ADMIN_PASSWORD", "admin-Secret-3", "EUREKA_PASSWORD", "eu-Secret-4", "CATALOG_DB_PASSWORD", "db-Secret-5");
        String yaml = shop(environment).yaml();
        List<JsonNode> objects = documents(yaml);

        JsonNode secret = find(objects, "Secret", "shop-secrets");
        assertThat(decode(secret, "POSTGRES_PASSWORD")).isEqualTo("pg-Secret-1");
        assertThat(decode(secret, "RABBITMQ_DEFAULT_PASS")).isEqualTo("mq-Secret-2");
        assertThat(decode(secret, "RABBITMQ_PASSWORD")).isEqualTo("mq-Secret-2");
        assertThat(decode(secret, "SHOP_ADMIN_PASSWORD")).isEqualTo("admin-Secret-3");
        for (JsonNode object : objects) {
            if (!object.path("kind").asText().equals("Secret")) {
                assertThat(object.toString()).doesNotContain("Secret-1", "Secret-2", "Secret-3", "Secret-4", "Secret-5");
            }
        }
        JsonNode env = find(objects, "Deployment", "billing").at("/spec/template/spec/containers/0/env");
        JsonNode password = StreamSupport.stream(env.spliterator(), false)
                .filter(e -> e.path("name").asText().equals("RABBITMQ_PASSWORD")).findFirst().orElseThrow();
        assertThat(password.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("shop-secrets");
        assertThat(password.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("RABBITMQ_PASSWORD");
        // A URL that carries an account is a secret too; a password that differs by service gets a key per service.
        assertThat(decode(secret, "EUREKA_URL")).isEqualTo("http://eureka:eu-Secret-4@discovery:8761/eureka/");
        assertThat(decode(secret, "catalog.DB_PASSWORD")).isEqualTo("db-Secret-5");
        // Each service's gRPC identity: its key only in the Secret, mounted where the image looks.
        String catalogKey = StreamSupport.stream(((Iterable<String>) () -> secret.path("data").fieldNames()).spliterator(), false)
                .filter(key -> key.startsWith("file.pki-catalog-key-")).findFirst().orElseThrow();
        assertThat(decode(secret, catalogKey)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(find(objects, "Deployment", "catalog").at("/spec/template/spec/containers/0/volumeMounts").toString())
                .contains("\"mountPath\":\"/run/secrets/pki/catalog.key\",\"name\":\"catalog-secrets\",\"readOnly\":true,"
                        + "\"subPath\":\"" + catalogKey + "\"");
    }

    @Test
    void theGatewayIsReachableAsAServiceOn8080() {
        List<JsonNode> objects = documents(shop(Map.of()).yaml());

        JsonNode gateway = find(objects, "Service", "gateway");
        assertThat(gateway.at("/spec/type").asText()).isEqualTo("ClusterIP");
        assertThat(gateway.at("/spec/ports/0/port").asInt()).isEqualTo(8080);
        assertThat(gateway.at("/spec/ports/0/targetPort").asInt()).isEqualTo(8080);
        JsonNode pods = find(objects, "Deployment", "gateway");
        assertThat(gateway.at("/spec/selector")).isEqualTo(pods.at("/spec/selector/matchLabels"));
        assertThat(pods.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt()).isEqualTo(8080);
        // The other services answer through Eureka, as on one machine, and publish nothing: no Service for them.
        assertThat(objects).noneMatch(o -> o.path("kind").asText().equals("Service") && o.at("/metadata/name").asText().equals("catalog"));
        assertThat(find(objects, "Service", "discovery").at("/spec/ports/0/port").asInt()).isEqualTo(8761);
    }

    @Test
    void theJreServiceThatOnlyShowsTheBaseImageRunsOnceAsABarePod() {
        JsonNode jre = find(documents(shop(Map.of()).yaml()), "Pod", "jre");

        assertThat(jre.at("/spec/restartPolicy").asText()).isEqualTo("Never");
        assertThat(jre.at("/spec/containers/0/args").toString()).isEqualTo("[\"java\",\"-version\"]");
    }

    // --- a small stack with what the shop does not use ---

    private Path fixture() throws IOException {
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("web.conf"), "listen 8000\nroot /srv\n");
        Files.write(dir.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', (byte) 0xff, 0});
        Files.setPosixFilePermissions(dir.resolve("logo.png"), PosixFilePermissions.fromString("rw-r--r--"));
        // The image's healthcheck is its final stage's: the build stage's does not reach it.
        Files.createDirectories(dir.resolve("api"));
        Files.writeString(dir.resolve("api/Dockerfile"), """
                FROM debian:bookworm-slim AS build
                HEALTHCHECK CMD ["true"]
                FROM debian:bookworm-slim
                CMD ["sleep", "infinity"]
                """);
        Path file = dir.resolve("fig.yml");
        Files.writeString(file, """
                services:
                  web:
                    image: shop/web:1
                    entrypoint: ["/bin/web"]
                    command: ["--port", "8000"]
                    ports: ["9000:8000"]
                    expose: ["8001/udp"]
                    environment:
                      API_TOKEN: tok-fixture-1
                      MODE: "no"
                    deploy: {replicas: 3, resources: {limits: {memory: 64m, cpus: "0.5"}}}
                    user: "1000:1000"
                    working_dir: /srv
                    healthcheck:
                      test: curl -f http://localhost:8000/health
                      interval: 15s
                      timeout: 2s
                      retries: 4
                    volumes:
                      - ./conf:/etc/web
                      - ./web.conf:/etc/web.conf
                      - ./logo.png:/srv/logo.png:ro
                  db:
                    image: postgres:15
                    environment: {POSTGRES_PASSWORD: db-fixture-2}
                    volumes: ["data:/var/lib/postgresql/data"]
                    healthcheck: {test: ["CMD", "pg_isready"], start_period: 20s}
                  cache_v2:
                    image: redis:7
                    user: redis
                    expose: ["6379-6380"]
                    networks: {default: {aliases: [redis]}}
                  api:
                    build: ./api
                    image: shop/api:1
                  migrate:
                    image: shop/migrate:1
                    restart: "on-failure"
                    command: ["migrate", "up"]
                volumes:
                  data:
                """);
        return file;
    }

    private KubernetesManifests small() throws IOException {
        return KubernetesManifests.of(FigFile.load(fixture(), "small", List.of(), Map.of()).project());
    }

    @Test
    void aSmallStackConvertsToValidObjectsThatKeepWhatTheFileSays() throws IOException {
        KubernetesManifests manifests = small();
        List<JsonNode> objects = documents(manifests.yaml());
        assertAllValid(objects);

        JsonNode web = find(objects, "Deployment", "web");
        assertThat(web.at("/spec/replicas").asInt()).isEqualTo(3);
        JsonNode container = web.at("/spec/template/spec/containers/0");
        assertThat(container.path("command").toString()).isEqualTo("[\"/bin/web\"]");
        assertThat(container.path("args").toString()).isEqualTo("[\"--port\",\"8000\"]");
        assertThat(container.path("workingDir").asText()).isEqualTo("/srv");
        assertThat(container.at("/securityContext/runAsUser").asInt()).isEqualTo(1000);
        assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("64Mi");
        assertThat(container.at("/resources/limits/cpu").asText()).isEqualTo("500m");
        assertThat(container.at("/env/1/value").isTextual()).as("\"no\" stays a word through YAML 1.1").isTrue();
        assertThat(container.at("/env/1/value").asText()).isEqualTo("no");
        assertThat(container.at("/readinessProbe/exec/command").toString())
                .isEqualTo("[\"/bin/sh\",\"-c\",\"curl -f http://localhost:8000/health\"]");
        assertThat(container.at("/readinessProbe/periodSeconds").asInt()).isEqualTo(15);
        assertThat(container.at("/readinessProbe/timeoutSeconds").asInt()).isEqualTo(2);
        assertThat(container.at("/readinessProbe/failureThreshold").asInt()).isEqualTo(4);
        assertThat(container.has("startupProbe")).isFalse();
        assertThat(find(objects, "Service", "web").at("/spec/ports").findValuesAsText("name")).containsExactly("tcp-8000", "udp-8001");

        JsonNode db = find(objects, "StatefulSet", "db").at("/spec/template/spec/containers/0");
        assertThat(db.at("/readinessProbe/exec/command").toString()).isEqualTo("[\"pg_isready\"]");
        assertThat(db.at("/readinessProbe/periodSeconds").asInt()).as("Docker's default interval").isEqualTo(30);
        assertThat(db.at("/startupProbe/failureThreshold").asInt()).as("one 30 s check covers the 20 s start, then 3 tries").isEqualTo(4);
        assertThat(find(objects, "Service", "db").at("/spec/clusterIP").asText()).isEqualTo("None");

        assertThat(find(objects, "Deployment", "api").at("/spec/template/spec/containers/0").has("readinessProbe")).isFalse();
        assertThat(find(objects, "Pod", "migrate").at("/spec/restartPolicy").asText()).isEqualTo("OnFailure");

        JsonNode files = find(objects, "ConfigMap", "web-files");
        assertThat(files.at("/data/web.conf").asText()).isEqualTo("listen 8000\nroot /srv\n");
        assertThat(Base64.getDecoder().decode(files.at("/binaryData/logo.png").asText())).hasSize(6);
        assertThat(manifests.yaml()).contains("web.conf: |\n");
        JsonNode secret = find(objects, "Secret", "small-secrets");
        assertThat(decode(secret, "API_TOKEN")).isEqualTo("tok-fixture-1");
        assertThat(decode(secret, "POSTGRES_PASSWORD")).isEqualTo("db-fixture-2");

        assertThat(manifests.warnings()).containsExactly(
                "web.volumes: " + dir.resolve("conf") + " is a host directory: only a single host file can go to a cluster"
                        + " (as a ConfigMap); not mounted at /etc/web",
                "web.volumes: " + dir.resolve("web.conf") + " is mounted read-only at /etc/web.conf: a ConfigMap cannot be written",
                "cache_v2: is named cache-v2 in the cluster (object names are DNS labels); clients that reach it as cache_v2"
                        + " must use cache-v2",
                "cache_v2.networks.default.aliases: [redis] are not converted; in the cluster only cache-v2 resolves",
                "cache_v2.expose: \"6379-6380\" is not PORT[/tcp|/udp]; not converted",
                "cache_v2.user: \"redis\" is not converted: Kubernetes takes a numeric uid[:gid] only");
    }

    @Test
    void anUnknownFieldFailsTheSchema() throws IOException {
        ObjectNode web = (ObjectNode) find(documents(small().yaml()), "Deployment", "web");
        ObjectNode spec = (ObjectNode) web.get("spec");
        spec.set("replica", spec.remove("replicas"));

        assertThat(schemaErrors(web)).isNotEmpty().anySatisfy(error -> assertThat(error).contains("replica"));
    }

    // --- the command ---

    private record Run(int exit, String out, String err) {
    }

    private static Run fig(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> line = new ArrayList<>(List.of("fig"));
        line.addAll(List.of(args));
        int exit = Main.execute(line.toArray(String[]::new), new PrintStream(out, true), new PrintStream(err, true));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void convertPrintsTheManifestsOrWritesOneFilePerObject() throws IOException {
        String file = fixture().toString();

        Run printed = fig("-f", file, "-p", "small", "convert", "--to", "kubernetes");
        assertThat(printed.exit()).as(printed.err()).isZero();
        assertAllValid(documents(printed.out()));
        assertThat(printed.err()).contains("WARNING: web.volumes: " + dir.resolve("conf") + " is a host directory");

        Path out = Files.createDirectory(dir.resolve("k8s"));
        Run written = fig("-f", file, "-p", "small", "convert", "--to", "kubernetes", "-o", out.toString());
        assertThat(written.exit()).as(written.err()).isZero();
        try (var listing = Files.list(out)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("small-secrets-secret.yaml",
                    "web-files-configmap.yaml", "web-service.yaml", "web-deployment.yaml", "db-service.yaml",
                    "db-statefulset.yaml", "cache-v2-deployment.yaml", "api-deployment.yaml",
                    "migrate-pod.yaml");
        }
        assertThat(documents(Files.readString(out.resolve("web-deployment.yaml")))).singleElement()
                .satisfies(d -> assertThat(d.path("kind").asText()).isEqualTo("Deployment"));
    }

    @Test
    void anOutputEndingInASlashIsADirectoryMadeForOneFilePerObject() throws IOException {
        String file = fixture().toString();

        Run written = fig("-f", file, "-p", "small", "convert", "--to", "kubernetes", "-o", dir.resolve("fresh/k8s") + "/");
        assertThat(written.exit()).as(written.err()).isZero();
        assertThat(dir.resolve("fresh/k8s")).isDirectory();
        assertThat(documents(Files.readString(dir.resolve("fresh/k8s/web-deployment.yaml")))).singleElement()
                .satisfies(d -> assertThat(d.path("kind").asText()).isEqualTo("Deployment"));

        Run single = fig("-f", file, "-p", "small", "convert", "--to", "kubernetes", "-o", dir.resolve("all.yaml").toString());
        assertThat(single.exit()).as(single.err()).isZero();
        assertThat(dir.resolve("all.yaml")).isRegularFile();
        assertAllValid(documents(Files.readString(dir.resolve("all.yaml"))));
    }

    @Test
    void convertRefusesAnUnknownPlatformAndAMissingOne() throws IOException {
        String file = fixture().toString();

        Run openshift = fig("-f", file, "convert", "--to", "openshift");
        assertThat(openshift.exit()).isEqualTo(1);
        assertThat(openshift.err()).contains("convert --to openshift: unknown platform; the one supported is kubernetes");
        assertThat(openshift.out()).isEmpty();

        Run none = fig("-f", file, "convert");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("Missing required option: '--to=<to>'");
    }
}
