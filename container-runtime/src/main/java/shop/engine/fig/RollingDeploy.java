package shop.engine.fig;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import shop.engine.support.Json;

/**
 * How {@code fig deploy} replaces a service's replicas with no failed request: start as many new
 * replicas as run now, wait until they are healthy and registered in Eureka, then drain the old
 * ones: take them out of service in Eureka, wait until every client has refreshed its view, and
 * only then stop and remove them. With a {@link Canary}, old and new serve side by side first, and
 * a new release that errs more or answers slower than the old one is withdrawn. When a new replica
 * fails (it exits, turns unhealthy or is not ready in time), the deploy prints its last log lines
 * and withdraws the new replicas the same way; the old ones were never touched.
 *
 * <p>Eureka is the stack's {@code discovery} service, reached through its published port with the
 * account that service is given ({@code EUREKA_USER}, default {@code eureka}, and
 * {@code EUREKA_PASSWORD}); a stack without one gets the health steps only.
 */
final class RollingDeploy {

    /** Clients fetch the registry every 5 s and the gateway's load balancer caches it 5 s more (application.yml). */
    static final Duration DRAIN = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("FIG_DRAIN_SECONDS", "15")));
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    private static final int LAST_LINES = 40;
    private static final String DISCOVERY = "discovery";
    private static final int EUREKA_PORT = 8761;

    private final Stack stack;
    private final DockerClient docker;
    private final ProjectSpec project;
    private final PrintStream out;
    private final Canary canary;

    RollingDeploy(Stack stack, DockerClient docker, ProjectSpec project, PrintStream out, Duration canaryPeriod) {
        this.stack = stack;
        this.docker = docker;
        this.project = project;
        this.out = out;
        this.canary = new Canary(stack, project, canaryPeriod, out);
    }

    /**
     * Replaces the service's replicas with as many of the image its name now points at
     * ({@link ServiceReleases} chose, built or tagged it); {@code version} names it in the output.
     */
    void roll(ServiceSpec service, String imageId, String version) {
        String serviceName = service.name();
        if (service.publishesFixedPort()) {
            throw new FigException("service " + serviceName + " publishes a fixed host port: old and new replicas cannot both hold it");
        }
        stack.createNetworks();
        List<Container> old = stack.containers(serviceName, false);
        int next = stack.containers(serviceName, true).stream().mapToInt(StackContainers::number).max().orElse(0) + 1;
        int count = Math.max(1, old.size());
        String eureka = eurekaAddress();
        List<String> fresh = new ArrayList<>();
        try {
            for (int n = next; n < next + count; n++) {
                String name = project.name() + "_" + serviceName + "_" + n;
                out.println("Creating " + name);
                stack.replicas().create(service, name, n);
                fresh.add(name);
                docker.startContainerCmd(name).exec();
            }
            for (String name : fresh) {
                awaitReady(serviceName, name, eureka);
            }
            if (canary.enabled() && eureka != null && !old.isEmpty()) {
                canary.judge(serviceName, instanceIds(eureka, serviceName, old.stream().map(Stack::name).toList()),
                        instanceIds(eureka, serviceName, fresh));
            }
        } catch (RuntimeException e) {
            out.println("Withdrawing the new replicas " + fresh);
            try {
                drain(serviceName, fresh, eureka);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        drain(serviceName, old.stream().map(Stack::name).toList(), eureka);
        out.println("Deployed " + serviceName + (version == null ? "" : " " + version) + " ("
                + imageId.substring(0, Math.min(19, imageId.length())) + ") on " + fresh);
    }

    /** http://host:port of Eureka's published port, or null when the stack has no discovery service running. */
    private String eurekaAddress() {
        if (project.services().stream().noneMatch(s -> s.name().equals(DISCOVERY))) {
            return null;
        }
        try {
            String address = stack.port(DISCOVERY, EUREKA_PORT, 1);
            return "http://" + address.replace("0.0.0.0", "127.0.0.1");
        } catch (FigException e) {
            return null;
        }
    }

    private void awaitReady(String serviceName, String container, String eureka) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String ip = address(container);
        while (true) {
            var state = docker.inspectContainerCmd(container).exec().getState();
            String health = Objects.requireNonNullElse(ServiceConditions.health(state), "healthy");
            if (!Boolean.TRUE.equals(state.getRunning()) || "unhealthy".equals(health)) {
                printLastLines(container);
                String why = Boolean.TRUE.equals(state.getRunning()) ? "is unhealthy"
                        : Boolean.TRUE.equals(state.getOOMKilled()) ? "was killed for going over its memory limit"
                        : "exited with code " + state.getExitCodeLong();
                throw new FigException("deploy of " + serviceName + " stopped: " + container + " " + why
                        + "; the old replicas keep serving");
            }
            if ("healthy".equals(health) && (eureka == null || instanceId(eureka, serviceName, ip, "UP") != null)) {
                out.println(container + " is healthy" + (eureka == null ? "" : " and registered in Eureka"));
                return;
            }
            if (System.nanoTime() > deadline) {
                printLastLines(container);
                throw new FigException("deploy of " + serviceName + ": " + container + " was not ready within "
                        + READY_TIMEOUT.toMinutes() + " min; the old replicas keep serving");
            }
            Stack.sleep(500);
        }
    }

    /** What the replica said before it failed, so that the deploy's output tells why. */
    private void printLastLines(String container) {
        try (LogPrinter printer = new LogPrinter(docker, out, false)) {
            printer.last(container, LAST_LINES);
            printer.await();
        } catch (IOException e) {
            out.println("(the logs of " + container + " could not be read: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Takes the replicas out of service at once, waits once for every client to notice, then stops
     * and removes them. A failed deploy drains its own new replicas this way, so it leaves nothing.
     */
    private void drain(String serviceName, List<String> replicas, String eureka) {
        boolean registered = false;
        if (eureka != null) {
            for (String name : replicas) {
                String id = instanceId(eureka, serviceName, address(name), null);
                if (id != null) {
                    send(HttpRequest.newBuilder(URI.create(eureka + "/eureka/apps/" + serviceName.toUpperCase() + "/" + id
                            + "/status?value=OUT_OF_SERVICE")).PUT(HttpRequest.BodyPublishers.noBody()));
                    registered = true;
                }
            }
        }
        if (registered) {
            out.println("Draining " + replicas + " for " + DRAIN.toSeconds() + " s");
            Stack.sleep(DRAIN.toMillis());
        }
        for (String name : replicas) {
            out.println("Stopping and removing " + name);
            if (Boolean.TRUE.equals(docker.inspectContainerCmd(name).exec().getState().getRunning())) {
                docker.stopContainerCmd(name).withTimeout(30).exec();
            }
            docker.removeContainerCmd(name).withForce(true).exec();
        }
    }

    private String address(String container) {
        var networks = docker.inspectContainerCmd(container).exec().getNetworkSettings().getNetworks();
        return networks.values().stream().map(ContainerNetwork::getIpAddress).findFirst().orElse("");
    }

    private List<String> instanceIds(String eureka, String serviceName, List<String> containers) {
        return containers.stream().map(name -> instanceId(eureka, serviceName, address(name), null)).filter(Objects::nonNull).toList();
    }

    /** The Eureka instance id of the service at that address (with that status, if given), or null. */
    private String instanceId(String eureka, String serviceName, String ip, String status) {
        String body = send(HttpRequest.newBuilder(URI.create(eureka + "/eureka/apps/" + serviceName.toUpperCase()))
                .header("Accept", "application/json").GET());
        if (body == null) {
            return null;
        }
        try {
            JsonNode instances = Json.MAPPER.readTree(body).path("application").path("instance");
            for (JsonNode instance : instances.isArray() ? instances : Json.MAPPER.createArrayNode().add(instances)) {
                if (ip.equals(instance.path("ipAddr").asText()) && (status == null || status.equals(instance.path("status").asText()))) {
                    return instance.path("instanceId").asText();
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The body of a 2xx answer; null for anything else (Eureka answers 404 for an app with no instance yet). */
    private String send(HttpRequest.Builder request) {
        Map<String, String> account = project.service(DISCOVERY).environment();
        try {
            HttpResponse<String> response = new AccountClient(account.getOrDefault("EUREKA_USER", "eureka"),
                    account.getOrDefault("EUREKA_PASSWORD", "")).send(request);
            return response.statusCode() / 100 == 2 ? response.body() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
