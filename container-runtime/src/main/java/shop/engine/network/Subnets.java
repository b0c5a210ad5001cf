package shop.engine.network;

import java.util.Collection;
import shop.engine.support.EngineException;

/** IPv4 CIDR arithmetic for subnets and addresses, on ints. */
final class Subnets {

    private Subnets() {
    }

    static int prefixLength(String cidr) {
        return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    }

    static int base(String cidr) {
        return toInt(cidr.substring(0, cidr.indexOf('/'))) & mask(prefixLength(cidr));
    }

    static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** Validates {@code a.b.c.d/n}; prefixes from /16 to /29 leave room for a gateway and members. */
    static String parse(String cidr, String field) {
        if (cidr == null || !cidr.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
            throw EngineException.invalid(field + ": \"" + cidr + "\" is not an IPv4 subnet such as 10.89.5.0/24");
        }
        int prefix = prefixLength(cidr);
        if (prefix < 16 || prefix > 29) {
            throw EngineException.invalid(field + ": \"" + cidr + "\" must have a prefix from /16 to /29");
        }
        return toString(base(cidr)) + "/" + prefix;
    }

    static boolean overlaps(String a, String b) {
        int prefix = Math.min(prefixLength(a), prefixLength(b));
        return (base(a) & mask(prefix)) == (base(b) & mask(prefix));
    }

    static boolean overlapsAny(String cidr, Collection<String> others) {
        return others.stream().anyMatch(o -> overlaps(cidr, o));
    }

    /** The n-th address of the subnet (1 is the gateway). */
    static String address(String cidr, int n) {
        return toString(base(cidr) + n);
    }

    /** Addresses usable by members: all but network, gateway and broadcast. */
    static int hosts(String cidr) {
        return (1 << (32 - prefixLength(cidr))) - 3;
    }

    static int toInt(String ip) {
        String[] parts = ip.split("\\.");
        int value = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw EngineException.invalid("\"" + ip + "\" is not an IPv4 address");
            }
            value = value << 8 | octet;
        }
        return value;
    }

    static String toString(int ip) {
        return (ip >>> 24) + "." + (ip >>> 16 & 255) + "." + (ip >>> 8 & 255) + "." + (ip & 255);
    }
}
