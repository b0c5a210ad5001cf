package shop.engine.network;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A bridge network: a Linux bridge holding the gateway address, and the containers attached to
 * it, each with one address from the subnet. Persisted as one JSON record per network.
 *
 * @param endpoints by container id
 */
public record Network(
        @JsonProperty("Id") String id,
        @JsonProperty("Name") String name,
        @JsonProperty("Driver") String driver,
        @JsonProperty("Subnet") String subnet,
        @JsonProperty("Gateway") String gateway,
        @JsonProperty("Bridge") String bridge,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("Created") String created,
        @JsonProperty("Endpoints") Map<String, Endpoint> endpoints) {

    public Network {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        endpoints = endpoints == null ? Map.of() : Map.copyOf(endpoints);
    }

    Network withEndpoints(Map<String, Endpoint> newEndpoints) {
        return new Network(id, name, driver, subnet, gateway, bridge, labels, created, newEndpoints);
    }

    public int prefixLength() {
        return Subnets.prefixLength(subnet);
    }
}
