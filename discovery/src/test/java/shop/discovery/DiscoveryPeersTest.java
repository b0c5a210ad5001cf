package shop.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.eureka.cluster.PeerEurekaNodes;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The registry is alone: named as in its container (discovery, not localhost), it still has no
 * peer, so it does not replicate each heartbeat to itself.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"EUREKA_USER=eureka", "EUREKA_PASSWORD=test-Eureka-peers", "EUREKA_HOSTNAME=discovery"})
class DiscoveryPeersTest {

    @Autowired
    PeerEurekaNodes peers;

    @Test
    void aLoneRegistryReplicatesToNoPeer() {
        assertThat(peers.getPeerEurekaNodes()).isEmpty();
    }
}
