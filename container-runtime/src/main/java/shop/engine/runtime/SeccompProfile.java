package shop.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * The syscall filter every container and build step runs under unless it is privileged or asks for
 * {@code seccomp=unconfined}, as Docker's default profile is.
 *
 * <p>The allow-list is Debian's containers-common profile (Podman's; the same file format as
 * Docker's), kept by its maintainers for every architecture and capability, rather than a list of
 * our own: rules whose {@code includes}/{@code excludes} name capabilities or architectures are kept
 * for the container's capabilities and the host's architecture only, as Docker resolves them. That
 * profile leaves user namespaces, mounts and the kernel keyring open, counting on capabilities; a
 * process that unshares a user namespace gets every capability inside it, so Docker's stricter
 * rules are laid over it here: without CAP_SYS_ADMIN, {@code unshare}, {@code setns}, {@code mount},
 * {@code umount2} and {@code pivot_root} fail with EPERM, {@code clone} is allowed only without
 * namespace flags, and {@code clone3} (whose flags a filter cannot read) fails with ENOSYS so that
 * libc falls back to {@code clone}; the keyring calls, which are not namespaced, always fail.
 */
public final class SeccompProfile {

    /** Installed by Debian's golang-github-containers-common (which Podman depends on). */
    public static final Path FILE = Path.of("/usr/share/containers/seccomp.json");

    private static final Set<String> SYS_ADMIN_ONLY = Set.of("unshare", "setns", "mount", "umount", "umount2", "pivot_root");
    private static final Set<String> CLONES = Set.of("clone", "clone3");
    private static final Set<String> NEVER = Set.of("keyctl", "add_key", "request_key");
    /** CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID and NEWNET: the flags Docker's profile masks. */
    private static final long NAMESPACE_FLAGS = 0x7E020000L;
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;

    private static volatile JsonNode base;

    private SeccompProfile() {
    }

    /** The OCI {@code linux.seccomp} object for a process with these capabilities, on this host's architecture. */
    public static ObjectNode forCapabilities(List<String> capabilities) {
        JsonNode profile = base();
        Set<String> caps = new HashSet<>(capabilities);
        boolean sysAdmin = caps.contains("CAP_SYS_ADMIN");
        String arch = hostArchitecture();

        ObjectNode seccomp = Json.MAPPER.createObjectNode();
        seccomp.put("defaultAction", profile.path("defaultAction").asText());
        if (profile.has("defaultErrnoRet")) {
            seccomp.put("defaultErrnoRet", profile.path("defaultErrnoRet").asInt());
        }
        ArrayNode architectures = seccomp.putArray("architectures");
        for (JsonNode entry : profile.path("archMap")) {
            if (entry.path("architecture").asText().equals(ociArchitecture(arch))) {
                architectures.add(entry.path("architecture").asText());
                entry.path("subArchitectures").forEach(architectures::add);
            }
        }
        ArrayNode syscalls = seccomp.putArray("syscalls");
        for (JsonNode rule : profile.path("syscalls")) {
            if (!applies(rule, caps, arch)) {
                continue;
            }
            // A syscall ruled below is left out here: two rules of different actions for it would clash.
            List<String> names = new ArrayList<>();
            for (JsonNode name : rule.path("names")) {
                if (!NEVER.contains(name.asText())
                        && (sysAdmin || !(SYS_ADMIN_ONLY.contains(name.asText()) || CLONES.contains(name.asText())))) {
                    names.add(name.asText());
                }
            }
            if (names.isEmpty()) {
                continue;
            }
            ObjectNode out = syscalls.addObject();
            names.forEach(out.putArray("names")::add);
            out.put("action", rule.path("action").asText());
            if (rule.hasNonNull("errnoRet")) {
                out.put("errnoRet", rule.path("errnoRet").asInt());
            }
            if (rule.path("args").isArray() && !rule.path("args").isEmpty()) {
                ArrayNode args = out.putArray("args");
                for (JsonNode arg : rule.path("args")) {
                    args.addObject().put("index", arg.path("index").asInt()).put("value", arg.path("value").asLong())
                            .put("valueTwo", arg.path("valueTwo").asLong()).put("op", arg.path("op").asText());
                }
            }
        }
        deny(syscalls, NEVER, EPERM);
        if (!sysAdmin) {
            deny(syscalls, SYS_ADMIN_ONLY, EPERM);
            deny(syscalls, Set.of("clone3"), ENOSYS);
            ObjectNode clone = syscalls.addObject();
            clone.putArray("names").add("clone");
            clone.put("action", "SCMP_ACT_ALLOW");
            clone.putArray("args").addObject().put("index", 0).put("value", NAMESPACE_FLAGS).put("valueTwo", 0)
                    .put("op", "SCMP_CMP_MASKED_EQ");
        }
        return seccomp;
    }

    private static void deny(ArrayNode syscalls, Set<String> names, int errno) {
        ObjectNode rule = syscalls.addObject();
        names.stream().sorted().forEach(rule.putArray("names")::add);
        rule.put("action", "SCMP_ACT_ERRNO").put("errnoRet", errno);
    }

    /** Docker's reading of includes and excludes: every included capability present, no excluded one. */
    private static boolean applies(JsonNode rule, Set<String> caps, String arch) {
        JsonNode includes = rule.path("includes");
        JsonNode excludes = rule.path("excludes");
        for (JsonNode cap : includes.path("caps")) {
            if (!caps.contains(cap.asText())) {
                return false;
            }
        }
        for (JsonNode cap : excludes.path("caps")) {
            if (caps.contains(cap.asText())) {
                return false;
            }
        }
        if (includes.path("arches").isArray() && !includes.path("arches").isEmpty() && !contains(includes.path("arches"), arch)) {
            return false;
        }
        return !contains(excludes.path("arches"), arch);
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** The profile's short names for the JVM's os.arch values. */
    private static String hostArchitecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    private static String ociArchitecture(String arch) {
        return switch (arch) {
            case "amd64" -> "SCMP_ARCH_X86_64";
            case "arm64" -> "SCMP_ARCH_AARCH64";
            default -> "SCMP_ARCH_" + arch.toUpperCase();
        };
    }

    private static JsonNode base() {
        JsonNode loaded = base;
        if (loaded == null) {
            try {
                loaded = Json.MAPPER.readTree(Files.readAllBytes(FILE));
            } catch (IOException e) {
                throw EngineException.failed("read the seccomp profile containers run under, " + FILE + " (Debian's"
                        + " golang-github-containers-common; container-runtime/ci-prereqs.sh installs it): " + e.getMessage(), e);
            }
            base = loaded;
        }
        return loaded;
    }
}
