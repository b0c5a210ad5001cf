package shop.engine.dockerfile;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import shop.engine.image.ContainerConfig;
import shop.engine.support.Durations;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * What a HEALTHCHECK instruction means: the one instruction whose meaning is read outside a build
 * too, since fig's Kubernetes conversion takes a Dockerfile's healthcheck where the stack's file
 * sets none.
 */
public final class HealthcheckInstruction {

    private static final List<String> FLAGS = List.of("interval", "timeout", "start-period", "retries", "start-interval");

    private HealthcheckInstruction() {
    }

    /**
     * The healthcheck that an image built from this Dockerfile gets from its final stage, read
     * without building it. One the final stage inherits from its base image is not seen.
     */
    public static Optional<ContainerConfig.Healthcheck> ofFinalStage(Dockerfile dockerfile) {
        ContainerConfig.Healthcheck found = null;
        for (Instruction ins : dockerfile.instructions()) {
            if (ins.keyword().equals("FROM")) {
                found = null;
            } else if (ins.keyword().equals("HEALTHCHECK")) {
                try {
                    found = parse(ins);
                } catch (EngineException | IllegalArgumentException e) {
                    throw new DockerfileException(dockerfile.file(), ins.line(), ins.keyword(), e.getMessage());
                }
            }
        }
        return Optional.ofNullable(found);
    }

    /** {@code HEALTHCHECK [OPTIONS] CMD command} or {@code NONE}, as the image's config keeps it. */
    public static ContainerConfig.Healthcheck parse(Instruction ins) {
        String text = ins.text().strip();
        if (text.equalsIgnoreCase("NONE")) {
            return new ContainerConfig.Healthcheck(List.of("NONE"), null, null, null, null, null);
        }
        if (!text.regionMatches(true, 0, "CMD", 0, 3)) {
            throw new IllegalArgumentException("HEALTHCHECK wants [OPTIONS] CMD command, or NONE");
        }
        String cmd = text.substring(3).strip();
        List<String> test = new ArrayList<>();
        if (cmd.startsWith("[")) {
            try {
                test.add("CMD");
                test.addAll(Json.MAPPER.readValue(cmd, new TypeReference<List<String>>() { }));
            } catch (IOException e) {
                throw new IllegalArgumentException("HEALTHCHECK CMD: bad JSON array: " + e.getMessage());
            }
        } else {
            test.add("CMD-SHELL");
            test.add(cmd);
        }
        Map<String, String> f = ins.flags();
        for (String flag : f.keySet()) {
            if (!FLAGS.contains(flag)) {
                throw new IllegalArgumentException("unknown flag: --" + flag);
            }
        }
        return new ContainerConfig.Healthcheck(test, nanos(f.get("interval")), nanos(f.get("timeout")),
                nanos(f.get("start-period")), nanos(f.get("start-interval")), f.containsKey("retries") ? Integer.valueOf(f.get("retries")) : null);
    }

    private static Long nanos(String duration) {
        return duration == null ? null : Durations.parse(duration).toNanos();
    }
}
