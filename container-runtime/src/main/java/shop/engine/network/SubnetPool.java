package shop.engine.network;

import java.util.ArrayList;
import java.util.List;
import shop.engine.support.EngineException;
import shop.engine.support.HostCommands;

/** Where a new network's subnet comes from: a free /24 of the engine's pool, or one the client names. */
final class SubnetPool {

    /**
     * User networks get /24s from this /16, skipping any the host already routes:
     * {@code $SHOP_ENGINE_SUBNETS}, else 10.89.0.0/16. Two engines on one machine (a developer's
     * daemon and the engine tests') each remember their subnets and bring a bridge up only while a
     * container is on it, so with one pool both could pick the same /24 while the other's bridge was
     * down, and then route it twice: the tests run their engines in a pool of their own.
     */
    private static final String POOL_PREFIX = poolPrefix(System.getenv("SHOP_ENGINE_SUBNETS"));

    private SubnetPool() {
    }

    /** The first /24 of the pool that neither the host routes nor one of {@code ours} holds. */
    static String free(List<String> ours) {
        List<String> taken = taken(ours);
        for (int i = 0; i < 256; i++) {
            String candidate = POOL_PREFIX + i + ".0/24";
            if (!Subnets.overlapsAny(candidate, taken)) {
                return candidate;
            }
        }
        throw EngineException.conflict("could not find an available, non-overlapping IPv4 address pool among the defaults");
    }

    /** The subnet a client asked for, unless it overlaps what the host routes or one of {@code ours}. */
    static String claim(String requested, List<String> ours) {
        String subnet = Subnets.parse(requested, "IPAM.Config.Subnet");
        if (Subnets.overlapsAny(subnet, taken(ours))) {
            throw EngineException.conflict("Pool overlaps with other one on this address space: " + subnet);
        }
        return subnet;
    }

    /** "10.89." for 10.89.0.0/16; a pool that is not a /16 is refused by name. */
    static String poolPrefix(String pool) {
        if (pool == null || pool.isBlank()) {
            return "10.89.";
        }
        if (!pool.matches("\\d{1,3}\\.\\d{1,3}\\.0\\.0/16")) {
            throw EngineException.invalid("SHOP_ENGINE_SUBNETS: \"" + pool + "\" is not a /16 such as 10.89.0.0/16");
        }
        return pool.substring(0, pool.indexOf(".0.0/16") + 1);
    }

    private static List<String> taken(List<String> ours) {
        List<String> taken = new ArrayList<>(hostRoutes());
        taken.addAll(ours);
        return taken;
    }

    /** Destinations the host routes already (its own interfaces, and ours). */
    private static List<String> hostRoutes() {
        List<String> routes = new ArrayList<>();
        for (String line : HostCommands.run(List.of("ip", "-4", "route", "show"), null, "list routes").split("\n")) {
            String destination = line.split("\\s+")[0];
            if (destination.matches("\\d+(\\.\\d+){3}(/\\d+)?")) {
                routes.add(destination.contains("/") ? destination : destination + "/32");
            }
        }
        return routes;
    }
}
