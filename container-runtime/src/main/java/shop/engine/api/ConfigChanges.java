package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import shop.engine.image.ContainerConfig;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * Docker's {@code changes} of import and commit ({@code docker commit -c 'CMD ["x"]'}): Dockerfile
 * instructions that set an image's run config. Each bad one is a 400 naming it.
 */
final class ConfigChanges {

    private ConfigChanges() {
    }

    /** {@code config} with every change applied, in order. */
    static ContainerConfig apply(ContainerConfig config, List<String> changes) throws IOException {
        ContainerConfig result = config;
        for (String change : changes) {
            String[] words = change.strip().split("\\s+", 2);
            String instruction = words[0].toUpperCase();
            String argument = words.length > 1 ? words[1].strip() : "";
            result = switch (instruction) {
                case "CMD" -> result.withCmd(command(change, argument));
                case "ENTRYPOINT" -> result.withEntrypoint(command(change, argument));
                case "ENV" -> result.withEnv(withEnv(result.env(), envPair(change, argument)));
                case "LABEL" -> result.withLabels(withLabel(result.labels(), change, argument));
                case "EXPOSE" -> result.withExposedPorts(withPorts(result.exposedPorts(), change, argument));
                case "USER" -> result.withUser(required(change, argument));
                case "WORKDIR" -> result.withWorkingDir(absolute(change, argument));
                case "VOLUME" -> result.withVolumes(withVolume(result.volumes(), change, argument));
                case "STOPSIGNAL" -> result.withStopSignal(required(change, argument));
                default -> throw EngineException.invalid("changes: \"" + change
                        + "\": only CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME and WORKDIR can be set");
            };
        }
        return result;
    }

    private static String required(String change, String argument) {
        if (argument.isEmpty()) {
            throw EngineException.invalid("changes: \"" + change + "\" needs a value");
        }
        return argument;
    }

    private static String absolute(String change, String argument) {
        if (!required(change, argument).startsWith("/")) {
            throw EngineException.invalid("changes: \"" + change + "\": WORKDIR must be an absolute path");
        }
        return argument;
    }

    /** In exec form (a JSON array of strings) or shell form, as a Dockerfile writes it. */
    private static List<String> command(String change, String argument) throws IOException {
        if (!argument.startsWith("[")) {
            return List.of("/bin/sh", "-c", required(change, argument));
        }
        JsonNode array = Json.MAPPER.readTree(argument);
        List<String> words = new ArrayList<>();
        for (JsonNode word : array) {
            if (!word.isTextual()) {
                throw EngineException.invalid("changes: \"" + change + "\": the array must hold strings");
            }
            words.add(word.asText());
        }
        return words;
    }

    /** ENV NAME=value (or the Dockerfile's older NAME value). */
    private static String envPair(String change, String argument) {
        String[] pair = argument.contains("=") ? argument.split("=", 2) : argument.split("\\s+", 2);
        if (pair.length < 2 || pair[0].isEmpty()) {
            throw EngineException.invalid("changes: \"" + change + "\": ENV needs NAME=value");
        }
        return pair[0] + "=" + pair[1];
    }

    private static List<String> withEnv(List<String> env, String pair) {
        List<String> result = new ArrayList<>(env == null ? List.of() : env);
        String name = pair.substring(0, pair.indexOf('=') + 1);
        result.removeIf(e -> e.startsWith(name));
        result.add(pair);
        return result;
    }

    private static Map<String, String> withLabel(Map<String, String> labels, String change, String argument) {
        String[] pair = argument.split("=", 2);
        if (pair.length < 2 || pair[0].isEmpty()) {
            throw EngineException.invalid("changes: \"" + change + "\": LABEL needs key=value");
        }
        Map<String, String> result = new LinkedHashMap<>(labels == null ? Map.of() : labels);
        result.put(unquote(pair[0]), unquote(pair[1]));
        return result;
    }

    private static Map<String, Object> withPorts(Map<String, Object> ports, String change, String argument) {
        Map<String, Object> result = new LinkedHashMap<>(ports == null ? Map.of() : ports);
        for (String port : required(change, argument).split("\\s+")) {
            if (!port.matches("\\d{1,5}(/(tcp|udp))?")) {
                throw EngineException.invalid("changes: \"" + change + "\": \"" + port + "\" is not a port such as 80/tcp");
            }
            result.put(port.contains("/") ? port : port + "/tcp", Map.of());
        }
        return result;
    }

    private static Map<String, Object> withVolume(Map<String, Object> volumes, String change, String argument) {
        Map<String, Object> result = new LinkedHashMap<>(volumes == null ? Map.of() : volumes);
        result.put(absolute(change, argument), Map.of());
        return result;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
