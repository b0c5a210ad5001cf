package shop.platform.grpc;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param deadline how long one gRPC call may take
 * @param breakerWaitInOpenState how long an open breaker fails calls at once before it tries again
 * @param discoveryRefresh how often a channel looks up its service's instances again
 */
@ConfigurationProperties("shop.grpc.client")
public record GrpcClientProperties(Duration deadline, Duration breakerWaitInOpenState, Duration discoveryRefresh) {

    public GrpcClientProperties {
        deadline = deadline == null ? Duration.ofSeconds(2) : deadline;
        breakerWaitInOpenState = breakerWaitInOpenState == null ? Duration.ofSeconds(10) : breakerWaitInOpenState;
        discoveryRefresh = discoveryRefresh == null ? Duration.ofSeconds(5) : discoveryRefresh;
    }
}
