package shop.engine.container;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import shop.engine.network.Endpoint;
import shop.engine.support.EngineException;

/**
 * Docker's legacy links ({@code HostConfig.Links}, {@code name[:alias]}): in the linking
 * container, the alias, the linked container's host name and its name resolve to its address on
 * the linking container's network, and the linking container gets the old link variables
 * ({@code DB_PORT_5432_TCP_ADDR}...). Docker gives those only on its default bridge; this engine
 * gives them on any network both containers share. Both are fixed at create: a linked container
 * keeps its address when it restarts here, so they stay true until it is removed.
 */
final class LegacyLinks {

    /** The /etc/hosts lines and the environment the links give. */
    record Resolved(List<String> hostEntries, List<String> env) {
    }

    private LegacyLinks() {
    }

    /**
     * @param containers finds a container by name or id, or throws a 404
     * @param endpoints  a container's endpoints by network name
     */
    static Resolved resolve(String linkingName, HostConfig host, Function<String, Container> containers,
                            Function<String, Map<String, Endpoint>> endpoints) {
        List<String> hosts = new ArrayList<>();
        List<String> env = new ArrayList<>();
        for (String link : host.links()) {
            String[] parts = link.split(":", -1);
            String name = parts[0].replaceFirst("^/", "");
            // The daemon's own form, "/name:/linking/alias" (what inspect shows), is taken too.
            String alias = parts.length == 2 ? parts[1].substring(parts[1].lastIndexOf('/') + 1) : name;
            if (parts.length > 2 || name.isEmpty() || alias.isEmpty()) {
                throw EngineException.invalid("HostConfig.Links: \"" + link + "\": want container[:alias]");
            }
            if (!host.joinsNetwork()) {
                throw EngineException.invalid("HostConfig.Links: a link needs a network; network mode " + host.networkMode()
                        + " has none");
            }
            Container linked;
            try {
                linked = containers.apply(name);
            } catch (EngineException e) {
                // A 400, not a 404: the docker CLI takes a 404 from create for a missing image and pulls.
                throw e.kind() == EngineException.Kind.NOT_FOUND
                        ? EngineException.invalid("HostConfig.Links: no such container: " + name) : e;
            }
            Endpoint endpoint = endpoints.apply(linked.id()).get(host.networkMode());
            if (endpoint == null) {
                throw EngineException.invalid("HostConfig.Links: cannot link to " + name + ": it is not on network "
                        + host.networkMode());
            }
            String linkedHost = linked.config().hostname() == null ? linked.shortId() : linked.config().hostname();
            List<String> names = new ArrayList<>(List.of(alias, linkedHost));
            if (!alias.equals(linked.name())) {
                names.add(linked.name());
            }
            hosts.add(endpoint.ipAddress() + "\t" + String.join(" ", names));
            env.addAll(variables("/" + linkingName + "/" + alias, alias, endpoint.ipAddress(), linked));
        }
        return new Resolved(hosts, env);
    }

    /** The variables of one link, as moby's links package names them (port ranges are not summarised). */
    private static List<String> variables(String linkName, String alias, String address, Container linked) {
        String prefix = alias.toUpperCase(Locale.ROOT).replace('-', '_');
        List<String> env = new ArrayList<>();
        List<String> ports = linked.config().exposedPorts() == null ? List.of()
                : linked.config().exposedPorts().keySet().stream()
                        .map(p -> p.contains("/") ? p : p + "/tcp")
                        .filter(p -> p.matches("\\d{1,5}/\\w+"))
                        .sorted(Comparator.comparing((String p) -> !p.endsWith("/tcp"))
                                .thenComparing(p -> Integer.parseInt(p.substring(0, p.indexOf('/')))))
                        .toList();
        for (String port : ports) {
            String number = port.substring(0, port.indexOf('/'));
            String protocol = port.substring(port.indexOf('/') + 1);
            String url = protocol + "://" + address + ":" + number;
            if (env.isEmpty()) {
                env.add(prefix + "_PORT=" + url);
            }
            String portPrefix = prefix + "_PORT_" + number + "_" + protocol.toUpperCase(Locale.ROOT);
            env.add(portPrefix + "=" + url);
            env.add(portPrefix + "_ADDR=" + address);
            env.add(portPrefix + "_PORT=" + number);
            env.add(portPrefix + "_PROTO=" + protocol);
        }
        env.add(prefix + "_NAME=" + linkName);
        for (String variable : linked.config().env() == null ? List.<String>of() : linked.config().env()) {
            int eq = variable.indexOf('=');
            String key = eq < 0 ? variable : variable.substring(0, eq);
            if (eq > 0 && !key.equals("HOME") && !key.equals("PATH")) {
                env.add(prefix + "_ENV_" + variable);
            }
        }
        return env;
    }
}
