package shop.engine.fig;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels docker-compose 1.29 puts on what it makes, and by which it finds its containers
 * again: with the same labels, {@code docker-compose ps} lists what fig started and fig what
 * docker-compose started. Compose asks for {@code oneoff=False} when it lists a service's
 * containers, so a container without it is not compose's.
 */
public final class ComposeLabels {

    public static final String PROJECT = "com.docker.compose.project";
    public static final String SERVICE = "com.docker.compose.service";
    public static final String NUMBER = "com.docker.compose.container-number";
    public static final String CONFIG_HASH = "com.docker.compose.config-hash";
    public static final String ONE_OFF = "com.docker.compose.oneoff";
    static final String SLUG = "com.docker.compose.slug";
    static final String NETWORK = "com.docker.compose.network";
    static final String VOLUME = "com.docker.compose.volume";
    static final String VERSION = "com.docker.compose.version";
    static final String WORKING_DIR = "com.docker.compose.project.working_dir";
    static final String CONFIG_FILES = "com.docker.compose.project.config_files";
    /** The docker-compose whose labels these are; compose reads it back only to warn of a newer one. */
    static final String COMPOSE_VERSION = "1.29.2";

    private static final SecureRandom RANDOM = new SecureRandom();

    private ComposeLabels() {
    }

    /** Replica {@code number} of a service. */
    static Map<String, String> replica(ProjectSpec project, ServiceSpec service, int number) {
        Map<String, String> labels = common(project, service, false);
        labels.put(NUMBER, String.valueOf(number));
        labels.put(CONFIG_HASH, service.configHash());
        return labels;
    }

    /** A one-off container ({@code run}): a slug instead of a number, and no hash, so {@code up} never counts it. */
    static Map<String, String> oneOff(ProjectSpec project, ServiceSpec service, String slug) {
        Map<String, String> labels = common(project, service, true);
        labels.put(SLUG, slug);
        return labels;
    }

    /** compose's slug: 32 random bytes in hex; a one-off's name carries the first 12 characters. */
    static String newSlug() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static boolean isOneOff(Map<String, String> labels) {
        return "True".equals(labels.get(ONE_OFF));
    }

    /** A network or volume of the stack. */
    static Map<String, String> resource(ProjectSpec project, String kind, String name) {
        return Map.of(PROJECT, project.name(), kind, name, VERSION, COMPOSE_VERSION);
    }

    private static Map<String, String> common(ProjectSpec project, ServiceSpec service, boolean oneOff) {
        Map<String, String> labels = new LinkedHashMap<>(service.labels());
        labels.put(PROJECT, project.name());
        labels.put(SERVICE, service.name());
        labels.put(ONE_OFF, oneOff ? "True" : "False");
        labels.put(VERSION, COMPOSE_VERSION);
        labels.put(WORKING_DIR, project.workingDir().toString());
        labels.put(CONFIG_FILES, String.join(",", project.configFiles()));
        return labels;
    }
}
