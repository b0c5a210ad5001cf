package shop.engine.fig;

import static shop.engine.fig.KubernetesObjects.base64;
import static shop.engine.fig.KubernetesObjects.dnsLabel;
import static shop.engine.fig.KubernetesObjects.map;
import static shop.engine.fig.KubernetesObjects.putIfPresent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A service's volumes in a cluster. A named volume becomes a volume claim template, so each
 * replica of the StatefulSet keeps its own. A host path cannot go to a cluster: a single file goes
 * in a ConfigMap of the service's, its mode kept; anything else is left out with a warning.
 */
final class KubernetesVolumes {

    /** The API server refuses larger objects (etcd's request limit is about 1.5 MiB; 1 MiB is the documented one). */
    private static final long CONFIG_MAP_LIMIT = 1 << 20;
    /** Volume claims need a size and compose gives none: a placeholder to edit before applying. */
    private static final String CLAIM_SIZE = "1Gi";

    /**
     * What one service's volumes become: the container's mounts, the pod's volumes, the claim
     * templates, and the ConfigMap of its host files (null when it mounts none).
     */
    record Converted(List<Map<String, Object>> mounts, List<Map<String, Object>> podVolumes,
                     List<Map<String, Object>> claims, Map<String, Object> configMap) {
    }

    private KubernetesVolumes() {
    }

    /**
     * @param name   the service's name in the cluster
     * @param pod    a one-shot Pod, which has no claim templates
     * @param partOf the project, for the ConfigMap's labels
     * @param warn   takes the key and what was not converted
     */
    static Converted convert(ServiceSpec s, String name, boolean pod, String partOf, BiConsumer<String, String> warn) {
        List<Map<String, Object>> mounts = new ArrayList<>();
        List<Map<String, Object>> podVolumes = new ArrayList<>();
        List<Map<String, Object>> claims = new ArrayList<>();
        String key = s.name() + ".volumes";
        String filesName = name + "-files";
        Map<String, Object> text = new TreeMap<>();
        Map<String, Object> binary = new TreeMap<>();
        List<Map<String, Object>> items = new ArrayList<>();
        for (String volume : s.volumes()) {
            String[] parts = volume.split(":");
            String source = parts[0];
            String target = parts[1];
            boolean readOnly = parts.length > 2 && parts[2].startsWith("ro");
            if (!source.startsWith("/")) {
                if (pod) {
                    warn.accept(key, "named volume " + source + " is not converted: a one-shot Pod has no claim templates");
                    continue;
                }
                String claim = dnsLabel(source);
                Map<String, Object> mount = map("name", claim, "mountPath", target);
                if (readOnly) {
                    mount.put("readOnly", true);
                }
                mounts.add(mount);
                claims.add(map("metadata", map("name", claim), "spec", map("accessModes", List.of("ReadWriteOnce"),
                        "resources", map("requests", map("storage", CLAIM_SIZE)))));
                continue;
            }
            Path file = Path.of(source);
            if (!Files.isRegularFile(file)) {
                warn.accept(key, source + (Files.isDirectory(file) ? " is a host directory" : " does not exist")
                        + ": only a single host file can go to a cluster (as a ConfigMap); not mounted at " + target);
                continue;
            }
            String fileKey = file.getFileName().toString().replaceAll("[^-._a-zA-Z0-9]", "_");
            byte[] content = read(file);
            if (content.length > CONFIG_MAP_LIMIT) {
                warn.accept(key, source + " is larger than a ConfigMap may be (1 MiB); not mounted at " + target);
                continue;
            }
            if (text.containsKey(fileKey) || binary.containsKey(fileKey)) {
                warn.accept(key, source + ": another mounted file has the name " + fileKey + "; not mounted at " + target);
                continue;
            }
            if (!readOnly) {
                warn.accept(key, source + " is mounted read-only at " + target + ": a ConfigMap cannot be written");
            }
            String utf8 = utf8(content);
            if (utf8 != null) {
                text.put(fileKey, utf8);
            } else {
                binary.put(fileKey, base64(content));
            }
            items.add(map("key", fileKey, "path", fileKey, "mode", executable(file) ? 0755 : 0644));
            mounts.add(map("name", filesName, "mountPath", target, "subPath", fileKey, "readOnly", true));
        }
        if (items.isEmpty()) {
            return new Converted(mounts, podVolumes, claims, null);
        }
        podVolumes.add(map("name", filesName, "configMap", map("name", filesName, "items", items)));
        Map<String, Object> configMap = KubernetesObjects.object("v1", "ConfigMap", filesName, partOf);
        putIfPresent(configMap, "data", text);
        putIfPresent(configMap, "binaryData", binary);
        return new Converted(mounts, podVolumes, claims, configMap);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FigException("read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Keeps a script runnable: the entrypoint of the postgres image runs an init script only when it is executable. */
    private static boolean executable(Path file) {
        try {
            return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (IOException e) {
            throw new FigException("read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String utf8(byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
