package shop.engine.fig;

import static shop.engine.fig.KubernetesObjects.map;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import shop.engine.dockerfile.DockerfileParser;
import shop.engine.dockerfile.HealthcheckInstruction;
import shop.engine.image.ContainerConfig;
import shop.engine.support.EngineException;

/**
 * A container's probes from its service's healthcheck: the file's, else the HEALTHCHECK of the
 * final stage of its Dockerfile, as Docker runs the image's when the file sets none. CMD and
 * CMD-SHELL become exec liveness and readiness probes with Docker's timing; a start period
 * becomes a startup probe.
 */
final class KubernetesProbes {

    /** Docker's values for a healthcheck's unset fields, so a probe keeps the timing the stack runs with. */
    private static final Duration DOCKER_INTERVAL = Duration.ofSeconds(30);
    private static final Duration DOCKER_TIMEOUT = Duration.ofSeconds(30);
    private static final int DOCKER_RETRIES = 3;

    private KubernetesProbes() {
    }

    /** Liveness and readiness from the healthcheck; its start period becomes a startup probe, which holds both back until it passes. */
    static void add(ServiceSpec s, Map<String, Object> container) {
        ServiceSpec.Healthcheck check = healthcheck(s);
        if (check == null || check.test().get(0).equals("NONE")) {
            return;
        }
        long interval = check.interval() > 0 ? check.interval() : DOCKER_INTERVAL.toNanos();
        int retries = check.retries() > 0 ? check.retries() : DOCKER_RETRIES;
        container.put("livenessProbe", probe(check, interval, retries));
        container.put("readinessProbe", probe(check, interval, retries));
        if (check.startPeriod() > 0) {
            // Docker does not count failures during the start period and then allows its retries; so does this probe.
            int startChecks = (int) ((check.startPeriod() + interval - 1) / interval);
            container.put("startupProbe", probe(check, interval, startChecks + retries));
        }
    }

    private static Map<String, Object> probe(ServiceSpec.Healthcheck check, long interval, int failureThreshold) {
        List<String> command = check.test().get(0).equals("CMD") ? check.test().subList(1, check.test().size())
                : List.of("/bin/sh", "-c", check.test().get(1));
        long timeout = check.timeout() > 0 ? check.timeout() : DOCKER_TIMEOUT.toNanos();
        return map("exec", map("command", command), "periodSeconds", seconds(interval), "timeoutSeconds", seconds(timeout),
                "failureThreshold", failureThreshold);
    }

    /** Whole seconds, rounded up: Kubernetes counts probe times in seconds, at least one. */
    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999) / 1_000_000_000);
    }

    /** The file's healthcheck, else the one the image's Dockerfile sets, as Docker runs the image's when the file sets none. */
    private static ServiceSpec.Healthcheck healthcheck(ServiceSpec s) {
        if (s.healthcheck() != null || s.build() == null) {
            return s.healthcheck();
        }
        Path dockerfile = s.build().context().resolve(s.build().dockerfile());
        if (!Files.isRegularFile(dockerfile)) {
            return null;
        }
        try {
            return HealthcheckInstruction.ofFinalStage(new DockerfileParser(dockerfile.toString()).parse(Files.readString(dockerfile)))
                    .map(KubernetesProbes::healthcheck).orElse(null);
        } catch (IOException e) {
            throw new FigException("read " + dockerfile + ": " + e.getMessage(), e);
        } catch (EngineException e) {
            throw new FigException(s.name() + ".build: " + e.getMessage(), e);
        }
    }

    private static ServiceSpec.Healthcheck healthcheck(ContainerConfig.Healthcheck image) {
        return new ServiceSpec.Healthcheck(image.test(), orZero(image.interval()), orZero(image.timeout()),
                orZero(image.startPeriod()), orZero(image.startInterval()), image.retries() == null ? 0 : image.retries());
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
