package shop.engine.fig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.NodeTuple;
import shop.identity.CertificateAuthority;
import shop.identity.ServiceCertificate;

/**
 * The stack's service identities: a certificate authority of the stack's own, and a certificate
 * from it for each service the file names, for mutual TLS between them. The file lists them at
 * the top level, with the user the services' images run as, who must read its key:
 * <pre>
 * x-service-certificates:
 *   uid: 10001
 *   services: [catalog, billing]
 * </pre>
 * The authority lives beside the stack's secrets file, in {@code <project>.pki} (0700); its key
 * never leaves it. The commands that create containers or manifests issue what is missing and
 * renew what expires within 30 days. A named service gets, read-only, the authority's certificate
 * and its own certificate and key in {@value #MOUNTED_AT}, like any compose secret; a renewed
 * certificate changes the service's configuration, so the next {@code up} recreates it.
 */
final class ServiceCertificates {

    static final String KEY = "x-service-certificates";
    static final String MOUNTED_AT = "/run/secrets/pki";

    private final Path folder;
    private final Integer uid;
    private final Set<String> services;

    /** The {@code services:} entry, to point errors at; null without a declaration. */
    private final NodeTuple listed;
    private final NodeReader nodes;

    private ServiceCertificates(Path folder, Integer uid, Set<String> services, NodeTuple listed, NodeReader nodes) {
        this.folder = folder;
        this.uid = uid;
        this.services = services;
        this.listed = listed;
        this.nodes = nodes;
    }

    /** The declaration under {@link #KEY} (none when absent), kept in {@code folder}. */
    static ServiceCertificates declared(NodeTuple declaration, NodeReader nodes, Path folder) {
        if (declaration == null) {
            return new ServiceCertificates(folder, null, Set.of(), null, nodes);
        }
        Map<String, NodeTuple> keys = nodes.entries(declaration, KEY);
        Integer uid = null;
        Set<String> services = new LinkedHashSet<>();
        for (Map.Entry<String, NodeTuple> key : keys.entrySet()) {
            String at = KEY + "." + key.getKey();
            switch (key.getKey()) {
                case "uid" -> uid = nodes.integer(key.getValue(), at);
                case "services" -> {
                    for (String service : nodes.strings(key.getValue(), at)) {
                        if (!service.matches("[a-z0-9][a-z0-9-]{0,62}")) {
                            throw nodes.error(key.getValue().getValueNode(), at,
                                    "\"" + service + "\" cannot name a certificate (lower-case letters, digits and -)");
                        }
                        services.add(service);
                    }
                }
                default -> throw nodes.error(key.getValue().getKeyNode(), at, "unknown key (want uid or services)");
            }
        }
        if (services.isEmpty()) {
            throw nodes.error(declaration.getKeyNode(), KEY, "name the services that get a certificate under services:");
        }
        return new ServiceCertificates(folder, uid, services, keys.get("services"), nodes);
    }

    /** Fails at the declaration when it names a service the file does not have: a typo would leave one without. */
    void checkNamed(Set<String> fileServices) {
        for (String service : services) {
            if (!fileServices.contains(service)) {
                throw nodes.error(listed.getValueNode(), KEY + ".services", "\"" + service + "\" is not a service of the file");
            }
        }
    }

    Path folder() {
        return folder;
    }

    /**
     * Creates the authority when there is none, and issues each named service the certificate it
     * lacks or must renew, and hands each key to {@code uid} when it can.
     *
     * @return the services whose certificate is new
     */
    List<String> issue() {
        if (services.isEmpty()) {
            return List.of();
        }
        CertificateAuthority authority = CertificateAuthority.openOrCreate(folder);
        List<String> issued = new ArrayList<>();
        for (String service : services) {
            ServiceCertificate certificate = authority.issue(service);
            if (certificate.issued()) {
                issued.add(service);
            }
            if (uid != null) {
                handOver(certificate.keyFile());
            }
        }
        return issued;
    }

    /** What the service mounts: nothing unless it is named, else the authority's certificate and its own pair. */
    List<ServiceSpec.Secret> mounts(String service) {
        if (!services.contains(service)) {
            return List.of();
        }
        Path certificate = folder.resolve(service + ".crt");
        // Named after the certificate's content, so a renewal changes the service's configuration hash.
        String version = version(certificate);
        return List.of(
                new ServiceSpec.Secret("pki-ca", folder.resolve("ca.crt"), MOUNTED_AT + "/ca.crt"),
                new ServiceSpec.Secret("pki-" + service + "-crt-" + version, certificate, MOUNTED_AT + "/" + service + ".crt"),
                new ServiceSpec.Secret("pki-" + service + "-key-" + version, folder.resolve(service + ".key"),
                        MOUNTED_AT + "/" + service + ".key"));
    }

    private static String version(Path certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(certificate));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (IOException e) {
            return "unissued";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private void handOver(Path key) {
        try {
            if (!uid.equals(Files.getAttribute(key, "unix:uid"))) {
                Files.setAttribute(key, "unix:uid", uid);
            }
        } catch (IOException e) {
            // Plain processes of this user (scripts/run-local.sh) still read it; a container as uid cannot.
            nodes.warn(listed.getKeyNode(), "could not give " + key + " to uid " + uid + " (" + KEY
                    + ".uid; it takes root), so a container running as that user cannot read it: " + e.getMessage());
        }
    }
}
